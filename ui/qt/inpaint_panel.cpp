#include "inpaint_panel.h"

#include "curve_plot.h"
#include "image_grid_view.h"
#include "mask_canvas.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ebm::ui {
namespace {

constexpr int kThumb = 76;

QColor viridis(double t) {
  t = std::clamp(t, 0.0, 1.0);
  const double c0[] = {0.2777, 0.0054, 0.3341}, c1[] = {0.1051, 1.4046, 1.3846},
               c2[] = {-0.3309, 0.2148, 0.0951}, c3[] = {-4.6342, -5.7991, -19.3324},
               c4[] = {6.2283, 14.1799, 56.6906}, c5[] = {4.7764, -13.7451, -65.3530},
               c6[] = {-5.4355, 4.6459, 26.3124};
  double rgb[3];
  for (int i = 0; i < 3; ++i)
    rgb[i] = std::clamp(c0[i] + t * (c1[i] + t * (c2[i] + t * (c3[i] + t * (c4[i] + t * (c5[i] + t * c6[i]))))), 0.0, 1.0);
  return QColor::fromRgbF(float(rgb[0]), float(rgb[1]), float(rgb[2]));
}

QPixmap thumb(const QImage& img) {
  return QPixmap::fromImage(img.scaled(kThumb, kThumb, Qt::KeepAspectRatio, Qt::FastTransformation));
}

QSpinBox* spin(int lo, int hi, int value, const QString& tip) {
  auto* b = new QSpinBox;
  b->setRange(lo, hi);
  b->setValue(value);
  b->setToolTip(tip);
  b->setKeyboardTracking(false);
  return b;
}

QDoubleSpinBox* real(double lo, double hi, double value, const QString& tip) {
  auto* b = new QDoubleSpinBox;
  b->setRange(lo, hi);
  b->setDecimals(4);
  b->setValue(value);
  b->setToolTip(tip);
  b->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
  return b;
}

} // namespace

InpaintPanel::InpaintPanel(QWidget* parent) : QWidget(parent) {
  // Stacked vertically so the panel fits a dock beside the others; the dock scrolls.
  auto* root = new QVBoxLayout(this);
  root->setContentsMargins(4, 4, 4, 4);

  // The image and its mask.
  auto* left = new QVBoxLayout;
  left->addLayout(buildSourceRow());
  m_source = new QLabel(tr("no image"));
  left->addWidget(m_source);
  m_canvas = new MaskCanvas;
  m_canvas->setMinimumHeight(280);
  left->addWidget(m_canvas, 1);
  left->addLayout(buildMaskTools());
  left->addLayout(buildPresetRow());
  root->addLayout(left, 3);

  // The recovery's settings, its three stages and the hole PSNR over the steps.
  auto* right = new QVBoxLayout;
  right->addWidget(buildRecoveryForm());
  right->addLayout(buildStageGrid());
  m_curve = new CurvePlot(tr("Langevin step (z, then x)"), tr("hole PSNR (dB)"));
  m_curve->setMinimumHeight(200);
  m_curve->setLegendAlignment(Qt::AlignBottom | Qt::AlignRight);  // PSNR rises to the top
  right->addWidget(m_curve, 1);
  root->addLayout(right, 2);
  setEnabled(false);
}

QLayout* InpaintPanel::buildSourceRow() {
  auto* src = new QHBoxLayout;
  m_testBox = spin(0, 99999, 0, tr("Index of an image in the data set's test split"));
  auto* useTest = new QPushButton(tr("Use test image"));
  useTest->setToolTip(tr("Inpaint this image of the test split"));
  auto* open = new QPushButton(tr("Open image…"));
  open->setToolTip(tr("Any PNG/JPEG/BMP; centre-cropped, resized and converted to the model's "
                      "size and channels"));
  src->addWidget(new QLabel(tr("test #")));
  src->addWidget(m_testBox);
  src->addWidget(useTest);
  src->addWidget(open);
  connect(useTest, &QPushButton::clicked, this, [this] { useTestImage(m_testBox->value()); });
  connect(open, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open image"), QString(),
                                                      tr("Images (*.png *.jpg *.jpeg *.bmp)"));
    QString err;
    if (!path.isEmpty() && !openImageFile(path, &err))
      Q_EMIT error(err);
  });
  return src;
}

QLayout* InpaintPanel::buildMaskTools() {
  auto* tools = new QHBoxLayout;
  auto toolButton = [&](const QString& text, const QString& tip, auto fn) {
    auto* b = new QPushButton(text);
    b->setToolTip(tip);
    b->setAccessibleName(tip);
    b->setFocusPolicy(Qt::NoFocus);
    connect(b, &QPushButton::clicked, this, fn);
    tools->addWidget(b);
    return b;
  };
  toolButton(tr("Brush"), tr("Brush: paint missing pixels (B)"),
             [this] { m_canvas->setTool(MaskCanvas::Tool::Brush); });
  toolButton(tr("Eraser"), tr("Eraser: make pixels observed again (E)"),
             [this] { m_canvas->setTool(MaskCanvas::Tool::Eraser); });
  toolButton(tr("Rect"), tr("Rectangle of missing pixels (R)"),
             [this] { m_canvas->setTool(MaskCanvas::Tool::Rectangle); });
  toolButton(tr("Clear"), tr("Clear the mask (Del)"), [this] { m_canvas->clearMask(); });
  toolButton(tr("Undo"), tr("Undo the last stroke (Ctrl+Z)"), [this] { m_canvas->undoStack()->undo(); });
  toolButton(tr("Redo"), tr("Redo (Ctrl+Shift+Z)"), [this] { m_canvas->undoStack()->redo(); });
  toolButton(tr("Load…"), tr("Load a mask PNG (white = observed, black = missing)"), [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Load mask"), QString(),
                                                      tr("Images (*.png *.bmp *.jpg)"));
    QString err;
    if (!path.isEmpty() && !m_canvas->loadMask(path, &err))
      Q_EMIT error(err);
  });
  toolButton(tr("Save…"), tr("Save the mask as PNG, to reuse it with other models"), [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save mask"), "mask.png",
                                                      tr("PNG images (*.png)"));
    QString err;
    if (!path.isEmpty() && !m_canvas->saveMask(path, &err))
      Q_EMIT error(err);
  });
  return tools;
}

QLayout* InpaintPanel::buildPresetRow() {
  auto* presets = new QHBoxLayout;
  m_preset = new QComboBox;
  for (const auto& kind : maskPresetKinds())
    m_preset->addItem(QString::fromStdString(kind));
  m_preset->addItem("pixel drop");
  m_preset->setToolTip(tr("M: a centred block (sides 20/30/40 px of a 64-px image, scaled); "
                          "R: the paper's A.3 masks, seeded random 8-px-of-64 blocks until "
                          "20/30/40 % of the pixels are missing; B: one block of the M size at "
                          "a seeded random position; pixel drop: each pixel missing with "
                          "probability p %"));
  m_presetSeed = spin(0, 1000000, 1, tr("Seed of the random presets"));
  m_dropPercent = spin(0, 100, 50, tr("Pixel drop: percentage of missing pixels"));
  auto* apply = new QPushButton(tr("Apply preset"));
  apply->setToolTip(tr("Replace the mask by the preset (one undo step)"));
  presets->addWidget(m_preset);
  presets->addWidget(new QLabel(tr("seed")));
  presets->addWidget(m_presetSeed);
  presets->addWidget(new QLabel(tr("drop %")));
  presets->addWidget(m_dropPercent);
  presets->addWidget(apply);
  connect(apply, &QPushButton::clicked, this, [this] { applyPreset(m_preset->currentText()); });
  return presets;
}

QWidget* InpaintPanel::buildRecoveryForm() {
  auto* settings = new QGroupBox(tr("Recovery"));
  settings->setMaximumWidth(5 * (kThumb + 8));
  auto* form = new QFormLayout(settings);
  m_zSteps = spin(0, 100000, 100, tr("Stage 2: masked z-Langevin steps"));
  m_zStep = real(1e-5, 100, 0.1, tr("Stage 2: z step size (the noise equals it, as in training)"));
  m_xSteps = spin(0, 100000, 30, tr("Stage 3: x-Langevin steps on the missing pixels"));
  m_xStep = real(1e-5, 100, 0.5, tr("Stage 3: x step size (noise 0.001)"));
  m_chains = spin(1, 256, 8, tr("Chains: several show where the model is unsure (spread map)"));
  m_seed = spin(0, 1000000000, 1, tr("Seed of the chains"));
  m_bnEval = new QCheckBox(tr("generator BatchNorm: running statistics"));
  m_bnEval->setChecked(true);
  m_bnEval->setToolTip(tr("One image's chains share a batch; running statistics keep them "
                          "independent of each other (off: batch statistics, as in training)"));
  form->addRow(tr("z-steps"), m_zSteps);
  form->addRow(tr("z step size"), m_zStep);
  form->addRow(tr("x-steps"), m_xSteps);
  form->addRow(tr("x step size"), m_xStep);
  form->addRow(tr("chains"), m_chains);
  form->addRow(tr("seed"), m_seed);
  form->addRow(m_bnEval);
  m_run = new QPushButton(tr("Inpaint"));
  m_run->setToolTip(tr("Run the three stages on the image and mask"));
  form->addRow(m_run);
  m_status = new QLabel;
  m_status->setWordWrap(true);
  form->addRow(m_status);
  connect(m_run, &QPushButton::clicked, this, &InpaintPanel::runClicked);
  return settings;
}

QLayout* InpaintPanel::buildStageGrid() {
  // One column per stage: title, thumbnail, scores.
  auto* grid = new QGridLayout;
  const QStringList titles{tr("input"), tr("1: inference + G"), tr("2: + masked z-Langevin"),
                           tr("3: + x-Langevin"), tr("spread over chains")};
  for (int i = 0; i < titles.size(); ++i) {
    auto* title = new QLabel(titles[i]);
    auto* img = new QLabel;
    img->setFixedSize(kThumb, kThumb);
    img->setAlignment(Qt::AlignCenter);
    img->setStyleSheet("background: #202020;");
    auto* scores = new QLabel;
    scores->setTextInteractionFlags(Qt::TextSelectableByMouse);
    scores->setToolTip(tr("PSNR (dB) and SSIM over the hole's bounding box and over the whole "
                          "image, mean over chains"));
    title->setWordWrap(true);
    title->setMaximumWidth(kThumb + 8);
    grid->addWidget(title, 0, i);
    grid->addWidget(img, 1, i);
    grid->addWidget(scores, 2, i);
    m_stageImages.push_back(img);
    m_stageScores.push_back(scores);
  }
  return grid;
}

void InpaintPanel::setModelShape(const std::vector<int64_t>& shape) {
  const bool images = shape.size() == 3;
  setEnabled(images);
  if (shape == m_shape)
    return;
  m_shape = shape;
  m_pixels.clear();
  m_testIndex = -1;
  if (images) {
    m_source->setText(tr("pick a test image or open a file"));
    useTestImage(m_testBox->value());
  } else {
    m_source->setText(tr("inpainting needs an image model"));
  }
}

void InpaintPanel::useTestImage(int index) {
  m_pendingTest = index;
  Q_EMIT post(cmd::FetchTestImages{index, 1});
}

void InpaintPanel::setImagePixels(std::vector<float> pixels, const QString& what) {
  m_pixels = std::move(pixels);
  m_source->setText(what);
  m_canvas->setImage(sampleToImage(m_pixels.data(), m_shape));
}

bool InpaintPanel::openImageFile(const QString& path, QString* err) {
  if (m_shape.size() != 3) {
    if (err)
      *err = tr("inpainting needs an image model");
    return false;
  }
  QImage img(path);
  if (img.isNull()) {
    if (err)
      *err = tr("%1 is not a readable image (PNG, JPEG or BMP)").arg(path);
    return false;
  }
  const int c = int(m_shape[0]), h = int(m_shape[1]), w = int(m_shape[2]);
  const int side = std::min(img.width(), img.height());
  img = img.copy((img.width() - side) / 2, (img.height() - side) / 2, side, side)
            .scaled(w, h, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
            .convertToFormat(QImage::Format_RGB32);
  std::vector<float> px(size_t(c) * h * w);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const QRgb v = img.pixel(x, y);
      if (c == 1) {
        px[size_t(y) * w + x] = float(qGray(v)) / 127.5f - 1.0f;
      } else {
        px[size_t(y) * w + x] = float(qRed(v)) / 127.5f - 1.0f;
        px[size_t(h * w) + y * w + x] = float(qGreen(v)) / 127.5f - 1.0f;
        px[size_t(2 * h * w) + y * w + x] = float(qBlue(v)) / 127.5f - 1.0f;
      }
    }
  m_testIndex = -1;
  setImagePixels(std::move(px), tr("%1 (as %2×%3, %4 channel%5)")
                                    .arg(path).arg(w).arg(h).arg(c).arg(c > 1 ? "s" : ""));
  return true;
}

void InpaintPanel::applyPreset(const QString& kind) {
  if (m_shape.size() != 3)
    return;
  const QString name = kind == "pixel drop" ? QString("drop%1").arg(m_dropPercent->value()) : kind;
  try {
    m_canvas->applyMask(makeMask(name.toStdString(), int(m_shape[1]), int(m_shape[2]),
                                 uint64_t(m_presetSeed->value())),
                        tr("preset %1").arg(name));
  } catch (const std::exception& e) {
    Q_EMIT error(QString::fromUtf8(e.what()));
  }
}

cmd::Inpaint InpaintPanel::request() const {
  cmd::Inpaint c;
  c.testIndex = m_testIndex;
  if (m_testIndex < 0)
    c.image = m_pixels;
  c.mask = m_canvas->mask();
  c.settings.zSteps = m_zSteps->value();
  c.settings.zStepSize = m_zStep->value();
  c.settings.zNoise = m_zStep->value();
  c.settings.xSteps = m_xSteps->value();
  c.settings.xStepSize = m_xStep->value();
  c.settings.xNoise = 1e-3;
  c.settings.chains = m_chains->value();
  c.settings.seed = uint64_t(m_seed->value());
  c.settings.generatorEval = m_bnEval->isChecked();
  return c;
}

void InpaintPanel::runClicked() {
  if (m_pixels.empty()) {
    Q_EMIT error(tr("inpainting: pick a test image or open an image first"));
    return;
  }
  if (m_canvas->mask().missingCount() == 0) {
    Q_EMIT error(tr("inpainting: the mask has no missing pixels; draw one or apply a preset"));
    return;
  }
  m_status->setText(tr("running…"));
  Q_EMIT post(request());
}

void InpaintPanel::showSnapshot(const SessionSnapshot& s) {
  setModelShape(s.dataShape);
  if (s.testImages && s.testImages != m_seenTestImages) {
    m_seenTestImages = s.testImages;
    if (m_pendingTest >= 0 && s.testImagesFirst == m_pendingTest && m_shape.size() == 3) {
      const size_t per = size_t(m_shape[0] * m_shape[1] * m_shape[2]);
      if (s.testImages->size() >= per) {
        m_testIndex = m_pendingTest;
        setImagePixels(std::vector<float>(s.testImages->begin(), s.testImages->begin() + per),
                       tr("test image #%1").arg(m_testIndex));
      }
      m_pendingTest = -1;
    }
  }
  if (!s.inpaintStage.empty())
    m_status->setText(tr("running: %1").arg(QString::fromStdString(s.inpaintStage)));
  const bool capable =
      s.methodInfo && s.methodInfo->capabilities.energy &&
      (s.methodInfo->capabilities.latentModel ||
       (s.methodInfo->capabilities.samplesFromNoise && s.methodInfo->capabilities.noiseLevels > 0));
  m_run->setEnabled(capable && !s.revisionRunning && s.state != RunState::Loading &&
                    s.state != RunState::Failed);
  if (s.methodInfo && !capable)
    m_status->setText(tr("Inpainting needs an energy and either a latent space or sampling level "
                         "by level; %1 lacks them.")
                          .arg(QString::fromStdString(s.methodInfo->title)));
  if (!s.inpainting && m_shown)
    clearResult();  // another model: its results are not this one's
  if (s.inpainting && s.inpainting != m_shown) {
    m_shown = s.inpainting;
    showResult(*m_shown);
  }
}

void InpaintPanel::clearResult() {
  m_shown.reset();
  for (int i = 1; i < m_stageImages.size(); ++i) {
    m_stageImages[i]->clear();
    m_stageScores[i]->clear();
  }
  m_curve->clear(tr("no inpainting yet"));
  m_status->setText(tr("ready"));
}

void InpaintPanel::showResult(const InpaintResult& r) {
  if (r.shape.size() != 3 || r.stages.size() != 3)
    return;
  m_status->setText(tr("done: %1 chain(s)").arg(r.chains));
  m_stageImages[0]->setPixmap(thumb(sampleToImage(r.masked.data(), r.shape)));
  m_stageScores[0]->setText(tr("%1 % missing").arg(100.0 * r.masks.front().missingFraction(), 0, 'f', 1));
  for (int i = 0; i < 3; ++i) {
    const auto& st = r.stages[size_t(i)];
    m_stageImages[i + 1]->setPixmap(thumb(sampleToImage(st.images.data(), r.shape)));
    m_stageScores[i + 1]->setText(tr("hole: PSNR %1 dB, SSIM %3\nall: PSNR %2 dB, SSIM %4")
                                      .arg(st.scores.psnrHole, 0, 'f', 2)
                                      .arg(st.scores.psnrAll, 0, 'f', 2)
                                      .arg(st.scores.ssimHole, 0, 'f', 3)
                                      .arg(st.scores.ssimAll, 0, 'f', 3));
  }
  const int h = int(r.shape[1]), w = int(r.shape[2]);
  if (r.stdMap.size() >= size_t(h * w)) {
    const float top = std::max(1e-6f, *std::max_element(r.stdMap.begin(), r.stdMap.begin() + h * w));
    QImage map(w, h, QImage::Format_RGB32);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        map.setPixel(x, y, viridis(r.stdMap[size_t(y) * w + x] / top).rgb());
    m_stageImages[4]->setPixmap(thumb(map));
    m_stageScores[4]->setText(r.chains > 1 ? tr("max std %1").arg(top, 0, 'g', 3)
                                           : tr("one chain: no spread"));
  }
  std::vector<Series> series(2);
  series[0].name = tr("stage 2: masked z-Langevin");
  series[0].x.assign(r.zCurveSteps.begin(), r.zCurveSteps.end());
  series[0].y = r.zCurvePsnrHole;
  const int zEnd = r.zCurveSteps.empty() ? 0 : r.zCurveSteps.back();
  series[1].name = tr("stage 3: x-Langevin");
  for (size_t i = 0; i < r.xCurveSteps.size(); ++i) {
    series[1].x.push_back(zEnd + r.xCurveSteps[i]);
    series[1].y.push_back(r.xCurvePsnrHole[i]);
  }
  m_curve->setSeries(series);
}

} // namespace ebm::ui
