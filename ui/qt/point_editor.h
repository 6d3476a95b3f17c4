// PointEditor: a window for a user's own 2-D data set (File › New 2-D data set…). Draw points on
// the PointCanvas with a brush of a chosen radius and density (or erase them), give them a class
// or none, load a CSV of x,y[,label] rows and save one (the core's point-file reader and writer,
// so a bad file gets the core's message), and "Train on these points" hands the set to the main
// window, which trains a new model on it live. GUI thread only.
#pragma once

#include "point_brush.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace ebm::ui {

class PointCanvas;

class PointEditor : public QWidget {
  Q_OBJECT
public:
  /// Fewest points "Train on these points" accepts.
  static constexpr size_t kMinTrainingPoints = 20;

  explicit PointEditor(QWidget* parent = nullptr);

  PointCanvas* canvas() const { return m_canvas; }
  /// Loads a CSV; false (and the core's message shown) for a bad file.
  bool loadCsv(const QString& path);
  /// Saves the points as CSV; false (and the message shown) when that fails.
  bool saveCsv(const QString& path);
  /// Asks the main window to train on the points (see trainRequested); false and a message when
  /// the set cannot be trained on.
  bool train();
  QString message() const;
  QPushButton* trainButton() const { return m_train; }

Q_SIGNALS:
  /// The user wants a model trained on these points.
  void trainRequested(const ebm::PointFile& points);

private:
  QWidget* buildTools();
  void showCount();
  void showInfo(const QString& message);
  void showError(const QString& message);

  PointCanvas* m_canvas = nullptr;
  QDoubleSpinBox* m_radius = nullptr;
  QSpinBox* m_perDab = nullptr;
  QComboBox* m_label = nullptr;
  QRadioButton* m_draw = nullptr;
  QRadioButton* m_erase = nullptr;
  QPushButton* m_train = nullptr;
  QLabel* m_count = nullptr;
  QLabel* m_message = nullptr;
};

} // namespace ebm::ui
