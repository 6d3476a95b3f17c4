// The interpolation and inpainting panels in the real window, and the mask editor's
// keyboard-first editing with undo and redo per stroke.
#include "inpaint_panel.h"
#include "interpolation_panel.h"
#include "main_window.h"
#include "mask_canvas.h"

#include "ui_test_support.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QPushButton>
#include <QTest>
#include <QThread>

#include <functional>

namespace {

using ebm::RunState;
using ebm::ui::MainWindow;
using ebm::ui::test::tmpPath;
using ebm::ui::test::waitFor;
using ebm::ui::MaskCanvas;

const QString kFmnist = QString(EBM_SOURCE_DIR) + "/resources/checkpoints/fmnist-small.safetensors";



QImage greyImage(int size) {
  QImage img(size, size, QImage::Format_RGB32);
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x)
      img.setPixel(x, y, qRgb(x * 7 % 256, y * 5 % 256, 90));
  return img;
}

// Pixel (x, y) of a 32x32 image to canvas coordinates.
QPoint at(const MaskCanvas& c, int x, int y) {
  const double fit = std::min(c.width() / 32.0, c.height() / 32.0);
  const double left = (c.width() - 32 * fit) / 2, top = (c.height() - 32 * fit) / 2;
  return QPoint(int(left + (x + 0.5) * fit), int(top + (y + 0.5) * fit));
}

TEST(MaskCanvas, UndoAndRedoRestoreTheMaskBitForBitPerStroke) {
  MaskCanvas c;
  c.resize(320, 320);
  c.show();
  c.setImage(greyImage(32));
  ASSERT_EQ(c.mask().missingCount(), 0);
  const auto empty = c.mask().observed;

  // Stroke 1: a brush drag; stroke 2: a rectangle; stroke 3: an erase over part of both.
  QTest::mousePress(&c, Qt::LeftButton, {}, at(c, 3, 3));
  QTest::mouseMove(&c, at(c, 12, 3));
  QTest::mouseRelease(&c, Qt::LeftButton, {}, at(c, 12, 3));
  const auto afterBrush = c.mask().observed;
  EXPECT_GT(c.mask().missingCount(), 20);
  c.setFocus();
  QTest::keyClick(&c, Qt::Key_R);
  EXPECT_EQ(c.tool(), MaskCanvas::Tool::Rectangle);
  QTest::mousePress(&c, Qt::LeftButton, {}, at(c, 16, 16));
  QTest::mouseMove(&c, at(c, 25, 27));
  QTest::mouseRelease(&c, Qt::LeftButton, {}, at(c, 25, 27));
  const auto afterRect = c.mask().observed;
  EXPECT_EQ(c.mask().missingCount() - 0, int(std::count(afterBrush.begin(), afterBrush.end(), 0)) + 10 * 12);
  QTest::keyClick(&c, Qt::Key_E);
  QTest::keyClick(&c, Qt::Key_BracketRight);
  QTest::keyClick(&c, Qt::Key_BracketRight);
  EXPECT_EQ(c.brushSize(), 5);
  QTest::mousePress(&c, Qt::LeftButton, {}, at(c, 6, 3));
  QTest::mouseRelease(&c, Qt::LeftButton, {}, at(c, 6, 3));
  const auto afterErase = c.mask().observed;
  EXPECT_NE(afterErase, afterRect);
  EXPECT_EQ(c.undoStack()->count(), 3);

  QTest::keyClick(&c, Qt::Key_Z, Qt::ControlModifier);
  EXPECT_EQ(c.mask().observed, afterRect);
  QTest::keyClick(&c, Qt::Key_Z, Qt::ControlModifier);
  EXPECT_EQ(c.mask().observed, afterBrush);
  QTest::keyClick(&c, Qt::Key_Z, Qt::ControlModifier);
  EXPECT_EQ(c.mask().observed, empty);
  QTest::keyClick(&c, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
  QTest::keyClick(&c, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
  EXPECT_EQ(c.mask().observed, afterRect);
  QTest::keyClick(&c, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
  EXPECT_EQ(c.mask().observed, afterErase);

  // Del clears as one step; undo brings the mask back.
  QTest::keyClick(&c, Qt::Key_Delete);
  EXPECT_EQ(c.mask().missingCount(), 0);
  c.undoStack()->undo();
  EXPECT_EQ(c.mask().observed, afterErase);

  // Holding Tab shows the original; releasing it shows the mask again.
  QTest::keyPress(&c, Qt::Key_Tab);
  EXPECT_TRUE(c.showingOriginal());
  QTest::keyRelease(&c, Qt::Key_Tab);
  EXPECT_FALSE(c.showingOriginal());

  // A mask saved as PNG loads back bit for bit (as one more undo step).
  const QString file = tmpPath("mask.png");
  QString error;
  ASSERT_TRUE(c.saveMask(file, &error)) << error.toStdString();
  c.clearMask();
  ASSERT_TRUE(c.loadMask(file, &error)) << error.toStdString();
  EXPECT_EQ(c.mask().observed, afterErase);
  EXPECT_FALSE(c.loadMask(tmpPath("missing.png"), &error));
  EXPECT_TRUE(error.contains("missing.png"));
}

std::unique_ptr<MainWindow> openFmnist() {
  auto o = ebm::ui::test::windowOptions("panels");
  o.chainSpeed = 0;  // as fast as possible: the tests wait for whole chains
  o.checkpoint = kFmnist;
  return ebm::ui::test::showWindow(o);
}

TEST(Panels, InpaintingRunsTheThreeStagesOnATestImage) {
  auto w = openFmnist();
  ASSERT_TRUE(waitFor([&] { return w->host().pollNow()->state == RunState::Idle; }, 60));
  w->showPanel("dock.inpainting");
  auto* panel = w->inpaintPanel();
  ASSERT_TRUE(waitFor([&] { return panel->request().testIndex == 0; }, 30));
  panel->applyPreset("M30");
  EXPECT_EQ(panel->canvas()->mask().missingCount(), 15 * 15);
  QPushButton* run = nullptr;
  for (auto* b : panel->findChildren<QPushButton*>())
    if (b->text() == "Inpaint")
      run = b;
  ASSERT_NE(run, nullptr);
  QTest::mouseClick(run, Qt::LeftButton);
  ASSERT_TRUE(waitFor([&] { return w->host().pollNow()->inpainting != nullptr; }, 120))
      << w->lastErrorShown().toStdString();
  const auto r = w->host().pollNow()->inpainting;
  ASSERT_EQ(r->stages.size(), 3u);
  EXPECT_EQ(r->chains, 8);
  const auto& mask = r->masks.front();
  for (const auto& stage : r->stages)
    for (int c = 0; c < r->chains; ++c)
      for (int p = 0; p < 32 * 32; ++p)
        if (mask.observed[p])
          ASSERT_EQ(stage.images[size_t(c * 1024 + p)], r->original[size_t(p)]);
  waitFor([] { return false; }, 0.3);
  ASSERT_TRUE(w->grab().save(tmpPath("inpainting_panel.png")));
}

TEST(Panels, InterpolationDrawsStripsAndTheEnergyProfile) {
  auto w = openFmnist();
  ASSERT_TRUE(waitFor([&] { return w->host().pollNow()->state == RunState::Idle; }, 60));
  w->showPanel("dock.interpolation");
  auto req = w->interpolationPanel()->request();
  req.settings.ends = "data";
  req.testIndexA = 0;
  req.testIndexB = 1;
  w->host().post(req);
  ASSERT_TRUE(waitFor([&] { return w->host().pollNow()->interpolation != nullptr; }, 120))
      << w->lastErrorShown().toStdString();
  ASSERT_TRUE(waitFor([&] { return w->interpolationPanel()->strip()->rowCount() == 3; }, 10));
  const auto r = w->host().pollNow()->interpolation;
  EXPECT_EQ(r->points, req.settings.points);
  EXPECT_EQ(r->revised.size(), r->decoded.size());
  EXPECT_EQ(w->interpolationPanel()->frames(32).size(), size_t(r->points));
  waitFor([] { return false; }, 0.3);
  ASSERT_TRUE(w->grab().save(tmpPath("interpolation_panel.png")));
}

std::unique_ptr<MainWindow> openCdrlFmnist() {
  auto o = ebm::ui::test::windowOptions("panels-cdrl");
  o.chainSpeed = 0;  // as fast as possible: the tests wait for whole chains
  o.checkpoint = QString(EBM_SOURCE_DIR) + "/resources/checkpoints/cdrl-fmnist.safetensors";
  return ebm::ui::test::showWindow(o);
}

TEST(Panels, CdrlInpaintsByReplacementAndInterpolatesItsNoise) {
  // A model that samples level by level: inpainting is the replacement method (the initializer
  // stage, then the ladder), interpolation walks between two draws of the top-level noise.
  auto w = openCdrlFmnist();
  ASSERT_TRUE(waitFor([&] { return w->host().pollNow()->state == RunState::Idle; }, 60));
  w->showPanel("dock.inpainting");
  auto* panel = w->inpaintPanel();
  ASSERT_TRUE(waitFor([&] { return panel->request().testIndex == 0; }, 30));
  panel->applyPreset("M30");
  w->host().post(panel->request());
  ASSERT_TRUE(waitFor([&] { return w->host().pollNow()->inpainting != nullptr; }, 120))
      << w->lastErrorShown().toStdString();
  const auto r = w->host().pollNow()->inpainting;
  ASSERT_EQ(r->stages.size(), 2u);
  const auto& mask = r->masks.front();
  for (int p = 0; p < 32 * 32; ++p)
    if (mask.observed[p])
      ASSERT_EQ(r->stages.back().images[size_t(p)], r->original[size_t(p)]);
  w->showPanel("dock.interpolation");
  auto req = w->interpolationPanel()->request();
  EXPECT_EQ(req.settings.ends, "prior");
  EXPECT_EQ(req.settings.xSteps, 0);
  req.settings.points = 4; // each point is a whole sampling run
  w->host().post(req);
  ASSERT_TRUE(waitFor([&] { return w->host().pollNow()->interpolation != nullptr; }, 300))
      << w->host().pollNow()->lastError << " / " << w->host().pollNow()->lastMessage;
  EXPECT_EQ(w->host().pollNow()->interpolation->points, req.settings.points);
  waitFor([] { return false; }, 0.3);
  ASSERT_TRUE(w->grab().save(tmpPath("cdrl_interpolation_panel.png")));
}

} // namespace
