// InpaintPanel: the inpainting tool (the paper's A.3 / Fig. 5, interactive). Pick a test image
// or open any image file (converted to the model's size and channels), draw the mask or apply a
// preset (M20/M30/M40, R20/R30/R40, B20/B30/B40, pixel drop), and run the three-stage
// recovery in the core; each stage is shown with PSNR and SSIM over the hole and the whole
// image, with the hole PSNR over the Langevin steps and a per-pixel spread map over chains. GUI
// thread only.
#pragma once

#include "session.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLayout;
class QPushButton;
class QSpinBox;

namespace ebm::ui {

class CurvePlot;
class MaskCanvas;

class InpaintPanel : public QWidget {
  Q_OBJECT
public:
  explicit InpaintPanel(QWidget* parent = nullptr);

  /// The model's sample shape (C, H, W); the panel disables itself for non-image data.
  void setModelShape(const std::vector<int64_t>& shape);
  void showSnapshot(const SessionSnapshot& snap);
  MaskCanvas* canvas() const { return m_canvas; }
  /// The request the Run button would post.
  cmd::Inpaint request() const;
  bool openImageFile(const QString& path, QString* error);
  /// Uses image `index` of the test split (fetched through the session).
  void useTestImage(int index);
  void applyPreset(const QString& kind);

Q_SIGNALS:
  void post(const ebm::Command& command);
  void error(const QString& message);

private:
  QLayout* buildSourceRow();
  QLayout* buildMaskTools();
  QLayout* buildPresetRow();
  QWidget* buildRecoveryForm();
  QLayout* buildStageGrid();
  void runClicked();
  void setImagePixels(std::vector<float> pixels, const QString& what);
  void showResult(const InpaintResult& r);

  std::vector<int64_t> m_shape;
  std::vector<float> m_pixels;  // the image being inpainted, C x H x W in [-1, 1]
  int m_testIndex = -1;         // >= 0 while it is a test image
  int m_pendingTest = -1;       // waiting for FetchTestImages
  std::shared_ptr<const std::vector<float>> m_seenTestImages;
  std::shared_ptr<const InpaintResult> m_shown;
  void clearResult();

  MaskCanvas* m_canvas = nullptr;
  QSpinBox* m_testBox = nullptr;
  QComboBox* m_preset = nullptr;
  QSpinBox* m_presetSeed = nullptr;
  QSpinBox* m_dropPercent = nullptr;
  QSpinBox *m_zSteps = nullptr, *m_xSteps = nullptr, *m_chains = nullptr, *m_seed = nullptr;
  QDoubleSpinBox *m_zStep = nullptr, *m_xStep = nullptr;
  QCheckBox* m_bnEval = nullptr;
  QPushButton* m_run = nullptr;
  QLabel* m_source = nullptr;
  QLabel* m_status = nullptr;
  QList<QLabel*> m_stageImages;
  QList<QLabel*> m_stageScores;
  CurvePlot* m_curve = nullptr;
};

} // namespace ebm::ui
