// MainWindow's exports: PNG of any panel, CSV of a plot's curves or of the losses, the
// x-trajectory and the interpolation walk as animated GIFs. The file dialogs and the drawing are
// Qt's; the frames' order, size and encoding are ui/common's TrajectoryGif.
#include "main_window.h"

#include "curve_plot.h"
#include "image_grid_view.h"
#include "interpolation_panel.h"
#include "landscape_view.h"
#include "loss_panel.h"
#include "trajectory_gif.h"

#include <qcustomplot.h>

#include <QActionGroup>
#include <QFileDialog>
#include <QMenu>
#include <QSettings>
#include <QOpenGLWidget>
#include <QStackedWidget>

#include <algorithm>
#include <cstring>

namespace ebm::ui {
namespace {

constexpr int kTrajectoryCellPixels = 48;
constexpr int kInterpolationCellPixels = 96;

GifFrame gifFrameOf(const QImage& image) {
  const QImage img = image.convertToFormat(QImage::Format_RGB888);
  GifFrame f;
  f.width = img.width();
  f.height = img.height();
  f.rgb.resize(size_t(f.width) * f.height * 3);
  for (int y = 0; y < f.height; ++y)
    std::memcpy(f.rgb.data() + size_t(y) * f.width * 3, img.constScanLine(y),
                size_t(f.width) * 3);
  return f;
}

} // namespace

QString MainWindow::chooseSavePath(const QString& title, const QString& suggested,
                                   const QString& filter) {
  return QFileDialog::getSaveFileName(this, title, suggested, filter);
}

QImage MainWindow::renderForExport(QWidget* widget) const {
  // Drawn for the file at the chosen size, without the screen's cursor, hover or buttons.
  const QSize size = m_exportSize;
  if (auto* plot = qobject_cast<CurvePlot*>(widget))
    return plot->plot()->toPixmap(size.width(), size.height()).toImage();
  if (auto* grid = qobject_cast<ImageGridView*>(widget)) {
    const int cell = std::clamp(size.height() / 9, 24, 256);
    return grid->renderUpTo(-1, cell);
  }
  if (auto* gl = qobject_cast<QOpenGLWidget*>(widget))
    return gl->grabFramebuffer().scaled(size, Qt::KeepAspectRatio, Qt::SmoothTransformation);
  return widget->grab().toImage();
}

void MainWindow::exportPanelPng(QWidget* widget, const QString& name) {
  const QString path = chooseSavePath(tr("Export PNG"), name + ".png", tr("PNG images (*.png)"));
  if (path.isEmpty())
    return;
  const QImage pm = renderForExport(widget);
  if (pm.isNull() || !pm.save(path, "PNG"))
    onError(tr("cannot write %1").arg(path));
  else
    log(tr("wrote %1").arg(path));
}

void MainWindow::buildExportSizeMenu(QMenu* exp) {
  auto* sizes = exp->addMenu(tr("PNG &size"));
  auto* group = new QActionGroup(this);
  const QSize saved = QSettings().value("export/size", QSize(1600, 900)).toSize();
  for (const QSize s : {QSize(1280, 720), QSize(1600, 900), QSize(1920, 1080), QSize(3840, 2160)}) {
    auto* a = sizes->addAction(QString("%1 × %2").arg(s.width()).arg(s.height()));
    a->setCheckable(true);
    a->setChecked(s == saved);
    group->addAction(a);
    connect(a, &QAction::triggered, this, [this, s] {
      m_exportSize = s;
      QSettings().setValue("export/size", s);
    });
  }
  m_exportSize = saved;
}

template <class Panel>
void MainWindow::exportCsv(Panel* panel, const QString& name) {
  const QString path = chooseSavePath(tr("Export CSV"), name + ".csv", tr("CSV files (*.csv)"));
  if (path.isEmpty())
    return;
  QString error;
  if (!panel->exportCsv(path, &error))
    onError(error);
  else
    log(tr("wrote %1").arg(path));
}
template void MainWindow::exportCsv(CurvePlot*, const QString&);
template void MainWindow::exportCsv(LossPanel*, const QString&);

void MainWindow::exportTrajectoryGif() {
  if (!m_shownData || m_shownData->snapshots.empty()) {
    onError(tr("no x-trajectory to export yet: run an x-revision first"));
    return;
  }
  const QString path =
      chooseSavePath(tr("Export GIF"), "x-trajectory.gif", tr("GIF animations (*.gif)"));
  if (!path.isEmpty())
    writeTrajectoryGif(path);
}

bool MainWindow::writeTrajectoryGif(const QString& path) {
  if (!m_shownData || m_shownData->snapshots.empty()) {
    onError(tr("no x-trajectory to export yet: run an x-revision first"));
    return false;
  }
  // Each frame is what the samples view shows with the cursor at that step.
  const bool twoD = m_xStack->currentWidget() == m_landscape;
  const auto render = [&](int step) {
    if (!twoD)
      return gifFrameOf(m_xGrid->renderUpTo(step, kTrajectoryCellPixels));
    m_landscape->setCursorStep(step);
    return gifFrameOf(m_landscape->grabFramebuffer());
  };
  const GifExportResult r = TrajectoryGif::write(path.toStdString(), *m_shownData, render);
  showCursor();  // the landscape goes back to the shared cursor
  if (!r.ok) {
    onError(QString::fromStdString(r.error));
    return false;
  }
  log(tr("wrote %1 (%2 frames)").arg(path).arg(r.frames));
  return true;
}

void MainWindow::exportInterpolationPng() {
  const QString path =
      chooseSavePath(tr("Export PNG"), "interpolation.png", tr("PNG images (*.png)"));
  if (path.isEmpty())
    return;
  if (!m_interp->strip()->render(64).save(path, "PNG"))
    onError(tr("cannot write %1").arg(path));
  else
    log(tr("wrote %1").arg(path));
}

void MainWindow::exportInterpolationGif() {
  const auto images = m_interp->frames(kInterpolationCellPixels);
  if (images.empty()) {
    onError(tr("no interpolation of images to export yet: press Interpolate first"));
    return;
  }
  const QString path =
      chooseSavePath(tr("Export GIF"), "interpolation.gif", tr("GIF animations (*.gif)"));
  if (path.isEmpty())
    return;
  std::vector<GifFrame> frames;
  for (const auto& img : images)
    frames.push_back(gifFrameOf(img));
  appendReverse(frames);  // there and back, so the loop is seamless
  const GifExportResult r =
      TrajectoryGif::writeFrames(path.toStdString(), frames, TrajectoryGif::kInterpolationDelayCs);
  if (r.ok)
    log(tr("wrote %1").arg(path));
  else
    onError(QString::fromStdString(r.error));
}

} // namespace ebm::ui
