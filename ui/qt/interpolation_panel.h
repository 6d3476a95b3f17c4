// InterpolationPanel: the paper's Fig. 4, interactive. End points are two seeded prior draws
// or two test images (their inferred latents, optionally revised by z-Langevin); the path is
// linear or spherical with N points, decoded by the generator and optionally revised by
// x-Langevin. Rows: the data ends, generation, revision; under them the energy along the path
// (is there a barrier between the ends?). Export as PNG strip or GIF. GUI thread only.
#pragma once

#include "session.h"

#include <QImage>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLayout;
class QPushButton;
class QSpinBox;

namespace ebm::ui {

class CurvePlot;

/// Rows of equally sized images with a label per row.
class ImageRows : public QWidget {
  Q_OBJECT
public:
  explicit ImageRows(QWidget* parent = nullptr);
  void setRows(std::vector<std::pair<QString, std::vector<QImage>>> rows);
  /// The rows as one image (cellPixels per image), for export.
  QImage render(int cellPixels) const;
  int rowCount() const { return int(m_rows.size()); }
  QSize sizeHint() const override { return {600, 220}; }

protected:
  void paintEvent(QPaintEvent* event) override;

private:
  void paintRows(QPainter& p, int cell, int left) const;
  std::vector<std::pair<QString, std::vector<QImage>>> m_rows;
};

class InterpolationPanel : public QWidget {
  Q_OBJECT
public:
  explicit InterpolationPanel(QWidget* parent = nullptr);
  void showSnapshot(const SessionSnapshot& snap);
  cmd::Interpolate request() const;
  ImageRows* strip() const { return m_strip; }
  /// Frames of the path (one per point: generation above revision), for a GIF.
  std::vector<QImage> frames(int cellPixels) const;

Q_SIGNALS:
  void post(const ebm::Command& command);
  void exportPng();
  void exportGif();

private:
  QLayout* buildSettingsForm();
  QLayout* buildExportRow();
  void showResult(const InterpolationResult& r);

  std::shared_ptr<const InterpolationResult> m_shown;
  QComboBox* m_ends = nullptr;
  QSpinBox *m_seed = nullptr, *m_indexA = nullptr, *m_indexB = nullptr, *m_zSteps = nullptr,
           *m_points = nullptr, *m_xSteps = nullptr;
  QCheckBox* m_spherical = nullptr;
  QPushButton* m_run = nullptr;
  QLabel* m_note = nullptr;
  bool m_noiseLatent = false; // the model samples level by level: its latent is the top noise
  ImageRows* m_strip = nullptr;
  CurvePlot* m_profile = nullptr;
};

} // namespace ebm::ui
