#include "point_editor.h"

#include "point_canvas.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace ebm::ui {

PointEditor::PointEditor(QWidget* parent) : QWidget(parent, Qt::Window) {
  setObjectName("pointEditor");
  setWindowTitle(tr("New 2-D data set"));
  m_canvas = new PointCanvas;
  auto* layout = new QHBoxLayout(this);
  layout->addWidget(m_canvas, 1);
  layout->addWidget(buildTools());
  connect(m_canvas, &PointCanvas::pointsChanged, this, &PointEditor::showCount);
  showCount();
}

QWidget* PointEditor::buildTools() {
  auto* tools = new QWidget;
  tools->setMaximumWidth(300);
  auto* col = new QVBoxLayout(tools);
  m_draw = new QRadioButton(tr("Draw"));
  m_draw->setChecked(true);
  m_erase = new QRadioButton(tr("Erase"));
  m_erase->setObjectName("pointEraser");
  auto* mode = new QButtonGroup(tools);
  mode->addButton(m_draw);
  mode->addButton(m_erase);
  connect(m_erase, &QRadioButton::toggled, m_canvas, &PointCanvas::setEraser);
  m_radius = new QDoubleSpinBox;
  m_radius->setObjectName("brushRadius");
  m_radius->setRange(0, 1);
  m_radius->setSingleStep(0.02);
  m_radius->setValue(m_canvas->brushRadius());
  m_radius->setToolTip(tr("Radius of the brush and the eraser, in data units (0: one point "
                          "exactly where you click)"));
  connect(m_radius, &QDoubleSpinBox::valueChanged, m_canvas, &PointCanvas::setBrushRadius);
  m_perDab = new QSpinBox;
  m_perDab->setObjectName("pointsPerDab");
  m_perDab->setRange(1, 100);
  m_perDab->setValue(6);
  m_perDab->setToolTip(tr("Points sprayed over the brush's disc at each click (and along a drag)"));
  connect(m_perDab, &QSpinBox::valueChanged, m_canvas, &PointCanvas::setPointsPerDab);
  m_label = new QComboBox;
  m_label->setObjectName("pointClass");
  m_label->addItem(tr("none"), -1);
  for (int c = 0; c < 10; ++c)
    m_label->addItem(QString::number(c), c);
  m_label->setToolTip(tr("The class of the points you draw (a conditional model learns them); "
                         "every point has a class, or none does"));
  connect(m_label, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this](int i) { m_canvas->setLabel(m_label->itemData(i).toInt()); });

  auto* form = new QFormLayout;
  auto* modeRow = new QHBoxLayout;
  modeRow->addWidget(m_draw);
  modeRow->addWidget(m_erase);
  form->addRow(tr("Mouse:"), modeRow);
  form->addRow(tr("Brush radius:"), m_radius);
  form->addRow(tr("Points per dab:"), m_perDab);
  form->addRow(tr("Class of new points:"), m_label);
  col->addLayout(form);

  auto* load = new QPushButton(tr("Load CSV…"));
  auto* save = new QPushButton(tr("Save CSV…"));
  auto* clear = new QPushButton(tr("Clear"));
  m_train = new QPushButton(tr("Train on these points"));
  m_train->setObjectName("trainOnPoints");
  m_train->setToolTip(tr("A new toy2d model on these points, trained live in the main window "
                         "(the CSV goes into its run folder)"));
  connect(load, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Load points"), QString(),
                                                      tr("CSV files (*.csv);;All files (*)"));
    if (!path.isEmpty())
      loadCsv(path);
  });
  connect(save, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save points"), "points.csv",
                                                      tr("CSV files (*.csv)"));
    if (!path.isEmpty())
      saveCsv(path);
  });
  connect(clear, &QPushButton::clicked, m_canvas, &PointCanvas::clearPoints);
  connect(m_train, &QPushButton::clicked, this, &PointEditor::train);
  auto* files = new QHBoxLayout;
  files->addWidget(load);
  files->addWidget(save);
  col->addLayout(files);
  col->addWidget(clear);
  col->addSpacing(8);
  col->addWidget(m_train);
  m_count = new QLabel;
  m_count->setObjectName("pointCount");
  m_message = new QLabel;
  m_message->setObjectName("pointMessage");
  m_message->setWordWrap(true);
  auto* help = new QLabel(tr("Click or drag on the square to draw. Models expect data of about "
                             "[-1, 1]²; a CSV holds x,y or x,y,label rows."));
  help->setWordWrap(true);
  col->addWidget(m_count);
  col->addWidget(m_message);
  col->addStretch(1);
  col->addWidget(help);
  return tools;
}

bool PointEditor::loadCsv(const QString& path) {
  try {
    m_canvas->setPoints(editablePoints(readPointFile(path.toStdString())));
  } catch (const std::exception& e) {
    showError(QString::fromUtf8(e.what()));
    return false;
  }
  showInfo(tr("loaded %1").arg(path));
  return true;
}

bool PointEditor::saveCsv(const QString& path) {
  try {
    writePointFile(path.toStdString(), pointFileOf(m_canvas->points()));
  } catch (const std::exception& e) {
    showError(QString::fromUtf8(e.what()));
    return false;
  }
  showInfo(tr("saved %1").arg(path));
  return true;
}

bool PointEditor::train() {
  PointFile file;
  try {
    file = pointFileOf(m_canvas->points(), kMinTrainingPoints);
  } catch (const std::exception& e) {
    showError(QString::fromUtf8(e.what()));
    return false;
  }
  showInfo(tr("training in the main window"));
  Q_EMIT trainRequested(file);
  return true;
}

QString PointEditor::message() const {
  return m_message->text();
}

void PointEditor::showCount() {
  const auto& labels = m_canvas->points().labels;
  int classes = 0;
  for (int l : labels)
    classes = std::max(classes, l + 1);
  const QString count = labels.size() == 1 ? tr("1 point") : tr("%1 points").arg(labels.size());
  m_count->setText(classes > 0 ? tr("%1 · classes 0–%2").arg(count).arg(classes - 1) : count);
  m_train->setEnabled(m_canvas->points().size() >= kMinTrainingPoints);
}

void PointEditor::showInfo(const QString& message) {
  m_message->setText(message);
  m_message->setStyleSheet(QString());
}

void PointEditor::showError(const QString& message) {
  m_message->setText(message);
  m_message->setStyleSheet("color: #b00020;");
}

} // namespace ebm::ui
