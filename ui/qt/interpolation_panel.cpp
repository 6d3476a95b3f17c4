#include "interpolation_panel.h"

#include "curve_plot.h"
#include "image_grid_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace ebm::ui {
namespace {

constexpr int kLabelWidth = 92;

QSpinBox* spin(int lo, int hi, int value, const QString& tip) {
  auto* b = new QSpinBox;
  b->setRange(lo, hi);
  b->setValue(value);
  b->setToolTip(tip);
  b->setKeyboardTracking(false);
  return b;
}

std::vector<QImage> images(const std::vector<float>& v, const std::vector<int64_t>& shape) {
  std::vector<QImage> out;
  if (shape.size() != 3)
    return out;
  const size_t per = size_t(shape[0] * shape[1] * shape[2]);
  for (size_t i = 0; i + per <= v.size(); i += per)
    out.push_back(sampleToImage(v.data() + i, shape));
  return out;
}

} // namespace

ImageRows::ImageRows(QWidget* parent) : QWidget(parent) { setMinimumHeight(120); }

void ImageRows::setRows(std::vector<std::pair<QString, std::vector<QImage>>> rows) {
  m_rows = std::move(rows);
  update();
}

void ImageRows::paintRows(QPainter& p, int cell, int left) const {
  p.setRenderHint(QPainter::SmoothPixmapTransform, false);
  for (size_t r = 0; r < m_rows.size(); ++r) {
    const int y = int(r) * (cell + 4);
    p.drawText(QRect(0, y, left - 4, cell), Qt::AlignRight | Qt::AlignVCenter | Qt::TextWordWrap,
               m_rows[r].first);
    for (size_t c = 0; c < m_rows[r].second.size(); ++c)
      p.drawImage(QRect(left + int(c) * (cell + 2), y, cell, cell), m_rows[r].second[c]);
  }
}

void ImageRows::paintEvent(QPaintEvent*) {
  QPainter p(this);
  if (m_rows.empty()) {
    p.drawText(rect(), Qt::AlignCenter, tr("press Interpolate"));
    return;
  }
  size_t cols = 1;
  for (const auto& r : m_rows)
    cols = std::max(cols, r.second.size());
  const int cell = std::max(8, std::min((width() - kLabelWidth) / int(cols) - 2,
                                        height() / int(m_rows.size()) - 4));
  paintRows(p, cell, kLabelWidth);
}

QImage ImageRows::render(int cell) const {
  size_t cols = 1;
  for (const auto& r : m_rows)
    cols = std::max(cols, r.second.size());
  QImage img(kLabelWidth + int(cols) * (cell + 2), std::max(1, int(m_rows.size())) * (cell + 4),
             QImage::Format_RGB32);
  img.fill(Qt::white);
  QPainter p(&img);
  p.setPen(Qt::black);
  paintRows(p, cell, kLabelWidth);
  return img;
}

InterpolationPanel::InterpolationPanel(QWidget* parent) : QWidget(parent) {
  // Settings on top, the strip and the profile below, so the panel fits a dock; it scrolls.
  auto* root = new QVBoxLayout(this);
  root->setContentsMargins(4, 4, 4, 4);
  root->addLayout(buildSettingsForm());
  auto* right = new QVBoxLayout;
  m_strip = new ImageRows;
  m_strip->setMinimumHeight(160);
  m_profile = new CurvePlot(tr("λ along the path"), tr("energy E"));
  m_profile->setMinimumHeight(200);
  right->addWidget(m_strip, 3);
  right->addWidget(m_profile, 2);
  root->addLayout(right, 1);
}

QLayout* InterpolationPanel::buildSettingsForm() {
  auto* form = new QFormLayout;
  m_ends = new QComboBox;
  m_ends->addItem(tr("two prior draws (synthesis)"), "prior");
  m_ends->addItem(tr("two test images (reconstruction)"), "data");
  m_ends->setToolTip(tr("Prior: z ~ N(0, I) drawn with the seed. Test images: the inference "
                        "model's means of two images of the test split"));
  m_seed = spin(0, 1000000000, 1, tr("Seed of the prior draws"));
  m_indexA = spin(0, 99999, 0, tr("First test image"));
  m_indexB = spin(0, 99999, 1, tr("Second test image"));
  m_zSteps = spin(0, 10000, 10, tr("z-Langevin steps revising the inferred latents (0: the "
                                   "inference means)"));
  m_points = spin(2, 256, 10, tr("Points on the path, ends included"));
  m_spherical = new QCheckBox(tr("spherical (slerp)"));
  m_spherical->setToolTip(tr("Interpolate along the great circle; keeps |z| typical of the "
                             "prior instead of dipping towards the origin"));
  m_xSteps = spin(0, 10000, 30, tr("x-Langevin steps on each decoded point (0: none)"));
  m_run = new QPushButton(tr("Interpolate"));
  form->addRow(tr("ends"), m_ends);
  form->addRow(tr("seed"), m_seed);
  form->addRow(tr("image A"), m_indexA);
  form->addRow(tr("image B"), m_indexB);
  form->addRow(tr("z-steps"), m_zSteps);
  form->addRow(tr("points"), m_points);
  form->addRow(m_spherical);
  form->addRow(tr("x-steps"), m_xSteps);
  form->addRow(m_run);
  form->addRow(buildExportRow());
  m_note = new QLabel;
  m_note->setWordWrap(true);
  form->addRow(m_note);
  connect(m_run, &QPushButton::clicked, this, [this] { Q_EMIT post(request()); });
  return form;
}

QLayout* InterpolationPanel::buildExportRow() {
  auto* png = new QPushButton(tr("PNG…"));
  png->setToolTip(tr("Export the strip as PNG"));
  auto* gif = new QPushButton(tr("GIF…"));
  gif->setToolTip(tr("Export the walk along the path as an animated GIF"));
  auto* exports = new QHBoxLayout;
  exports->addWidget(png);
  exports->addWidget(gif);
  connect(png, &QPushButton::clicked, this, &InterpolationPanel::exportPng);
  connect(gif, &QPushButton::clicked, this, &InterpolationPanel::exportGif);
  return exports;
}

cmd::Interpolate InterpolationPanel::request() const {
  cmd::Interpolate c;
  c.settings.ends = m_ends->currentData().toString().toStdString();
  c.settings.seed = uint64_t(m_seed->value());
  c.settings.zSteps = m_zSteps->value();
  c.settings.points = m_points->value();
  c.settings.spherical = m_spherical->isChecked();
  c.settings.xSteps = m_xSteps->value();
  if (m_noiseLatent) { // two draws of the top-level noise; no x- or z-chain to add
    c.settings.ends = "prior";
    c.settings.zSteps = 0;
    c.settings.xSteps = 0;
  }
  if (c.settings.ends == "data") {
    c.testIndexA = m_indexA->value();
    c.testIndexB = m_indexB->value();
  }
  return c;
}

void InterpolationPanel::showSnapshot(const SessionSnapshot& s) {
  const bool generator = s.methodInfo && s.methodInfo->capabilities.latentModel;
  m_noiseLatent = s.methodInfo && !generator && s.methodInfo->capabilities.samplesFromNoise &&
                  s.methodInfo->capabilities.noiseLevels > 0;
  const bool latent = generator || m_noiseLatent;
  m_run->setEnabled(latent && !s.revisionRunning && s.state != RunState::Loading &&
                    s.state != RunState::Failed);
  for (QWidget* w : std::initializer_list<QWidget*>{m_ends, m_zSteps, m_xSteps, m_indexA, m_indexB})
    w->setEnabled(!m_noiseLatent);
  if (s.methodInfo && !latent)
    m_note->setText(tr("Interpolation needs a model with a latent space (a generator and an "
                       "inference model) or one that samples from noise level by level; %1 "
                       "has neither.")
                        .arg(QString::fromStdString(s.methodInfo->title)));
  else if (m_noiseLatent)
    m_note->setText(tr("%1 interpolates between two draws of its top-level noise; every point "
                       "is sampled level by level with the same chain noise.")
                        .arg(QString::fromStdString(s.methodInfo->title)));
  else if (s.methodInfo)
    m_note->setText(tr("%1 interpolates in its generator's latent space: between two prior "
                       "draws, or between the inferred z of two test images.")
                        .arg(QString::fromStdString(s.methodInfo->title)));
  if (!s.interpolation && m_shown) {  // another model: its results are not this one's
    m_shown.reset();
    m_strip->setRows({});
    m_profile->clear(tr("no interpolation yet"));
  }
  if (s.interpolation && s.interpolation != m_shown) {
    m_shown = s.interpolation;
    showResult(*m_shown);
  }
}

void InterpolationPanel::showResult(const InterpolationResult& r) {
  std::vector<std::pair<QString, std::vector<QImage>>> rows;
  if (r.shape.size() == 3) {
    if (!r.ends.empty()) {
      auto ends = images(r.ends, r.shape);
      std::vector<QImage> row(size_t(r.points));
      if (ends.size() == 2) {
        row.front() = ends[0];
        row.back() = ends[1];
      }
      rows.emplace_back(tr("data"), row);
    }
    rows.emplace_back(r.ends.empty() ? tr("generation") : tr("reconstruction"),
                      images(r.decoded, r.shape));
    if (!r.revised.empty())
      rows.emplace_back(tr("+ x-revision"), images(r.revised, r.shape));
    m_note->clear();
  } else {
    m_note->setText(tr("2-D data: the path is drawn on the landscape view"));
  }
  m_strip->setRows(std::move(rows));
  std::vector<Series> series(3);
  series[0].name = tr("E(G(z(λ))) along the path");
  series[0].x = r.profileLambdas;
  series[0].y = r.profileEnergy;
  series[1].name = tr("strip points");
  series[1].x = r.lambdas;
  series[1].y = r.energyDecoded;
  series[1].points = true;
  series[2].name = tr("after x-revision");
  if (!r.energyRevised.empty()) {
    series[2].x = r.lambdas;
    series[2].y = r.energyRevised;
  }
  series[2].points = true;
  m_profile->setSeries(series);
}

std::vector<QImage> InterpolationPanel::frames(int cell) const {
  std::vector<QImage> out;
  if (!m_shown || m_shown->shape.size() != 3)
    return out;
  const auto dec = images(m_shown->decoded, m_shown->shape);
  const auto rev = images(m_shown->revised, m_shown->shape);
  for (size_t i = 0; i < dec.size(); ++i) {
    QImage f(cell * (rev.empty() ? 1 : 2) + (rev.empty() ? 0 : 4), cell, QImage::Format_RGB32);
    f.fill(Qt::white);
    QPainter p(&f);
    p.drawImage(QRect(0, 0, cell, cell), dec[i]);
    if (!rev.empty())
      p.drawImage(QRect(cell + 4, 0, cell, cell), rev[i]);
    out.push_back(f);
  }
  return out;
}

} // namespace ebm::ui
