// ebm-lab: the desktop app. Composes the Qt layer (ui/) over the core's session; with no
// arguments it opens the shipped fmnist-small model on Fashion-MNIST and starts revising.
#include "gui_bench.h"
#include "main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSurfaceFormat>
#include <QTimer>

#include <cstdio>
#include <cstdlib>
#include <memory>

int main(int argc, char** argv) {
  // OpenBLAS threads would fight LibTorch's own for the cores (measured: 1.7x slower convs).
  setenv("OPENBLAS_NUM_THREADS", "1", 0);
  QSurfaceFormat fmt;
  fmt.setVersion(3, 3);
  fmt.setProfile(QSurfaceFormat::CoreProfile);
  QSurfaceFormat::setDefaultFormat(fmt);
  QApplication app(argc, argv);
  QApplication::setOrganizationName("EBM Lab");
  QApplication::setApplicationName("ebm-lab");
  QApplication::setApplicationVersion("0.1.0");

  QCommandLineParser parser;
  parser.setApplicationDescription(
      "EBM Lab: train energy-based models and watch their Langevin chains revise samples "
      "live. Without options it opens the shipped fmnist-small model.");
  parser.addHelpOption();
  parser.addVersionOption();
  QCommandLineOption checkpoint("checkpoint", "Open this checkpoint (.safetensors).", "file");
  QCommandLineOption preset("preset", "Start a new model from this preset (e.g. toy2d).",
                            "name");
  QCommandLineOption runDir("run-dir", "Where checkpoints and the run config are written "
                            "(default runs/gui-<date>).", "dir");
  QCommandLineOption device("device", "auto, cpu or cuda (default auto).", "device", "auto");
  QCommandLineOption threads("threads", "Intra-op threads (default: all cores).", "n", "0");
  QCommandLineOption noRevise("no-auto-revise", "Do not start revisions when a model loads.");
  QCommandLineOption freshLayout("reset-layout", "Ignore the saved window layout.");
  QCommandLineOption screenshot("screenshot", "Save a PNG of the window after --after seconds "
                                "and quit.", "file");
  QCommandLineOption after("after", "Seconds before --screenshot (default 8).", "seconds", "8");
  QCommandLineOption panel("panel", "Raise this panel at start: controls, xrevision, zrevision, "
                           "energy, mse, losses, log, interpolation, inpainting.", "name");
  QCommandLineOption train("train", "Start training this many iterations once the model is "
                           "loaded.", "iterations");
  QCommandLineOption bench("bench", "Benchmark the GUI while training for this many seconds, "
                           "print JSON and quit.", "seconds");
  QCommandLineOption benchOut("bench-out", "Also write the benchmark JSON here.", "file");
  parser.addOptions({checkpoint, preset, runDir, device, threads, noRevise, freshLayout,
                     screenshot, after, panel, train, bench, benchOut});
  parser.process(app);

  bool trainOk = false;
  const long iterations = parser.isSet(train) ? parser.value(train).toLong(&trainOk) : 0;
  if (parser.isSet(train) && (!trainOk || iterations < 1)) {
    std::fprintf(stderr, "--train needs a positive number of iterations, not \"%s\"\n",
                 parser.value(train).toUtf8().constData());
    return 2;
  }

  ebm::ui::AppOptions options;
  options.checkpoint = parser.value(checkpoint);
  options.preset = parser.value(preset);
  options.runDir = parser.value(runDir);
  options.device = parser.value(device);
  options.threads = parser.value(threads).toInt();
  options.autoRevise = !parser.isSet(noRevise) && !parser.isSet(bench);
  options.restoreLayout = !parser.isSet(freshLayout) && !parser.isSet(screenshot);
  ebm::ui::MainWindow window(options);
  window.show();
  if (parser.isSet(panel))
    window.showPanel("dock." + parser.value(panel));

  if (parser.isSet(train)) {
    // Once, on the first snapshot of a loaded model.
    auto once = std::make_shared<QMetaObject::Connection>();
    *once = QObject::connect(&window.host(), &ebm::ui::SessionHost::snapshotChanged, &window,
                             [&window, once, iterations](const ebm::ui::Snapshot& s) {
                               if (!s || s->state != ebm::RunState::Idle || !s->methodInfo)
                                 return;
                               QObject::disconnect(*once);
                               window.host().post(ebm::cmd::StartTraining{iterations});
                             });
  }
  if (parser.isSet(screenshot)) {
    const QString path = parser.value(screenshot);
    QTimer::singleShot(int(parser.value(after).toDouble() * 1000), &window, [&window, path] {
      if (!window.grab().save(path, "PNG")) {
        std::fprintf(stderr, "cannot write %s\n", path.toUtf8().constData());
        QApplication::exit(1);
        return;
      }
      std::printf("wrote %s\n", path.toUtf8().constData());
      QApplication::exit(0);
    });
  }
  std::unique_ptr<ebm::ui::GuiBench> benchRun;
  if (parser.isSet(bench)) {
    benchRun = std::make_unique<ebm::ui::GuiBench>(&window, parser.value(bench).toDouble(),
                                                   parser.value(benchOut));
    benchRun->start();
  }
  return app.exec();
}
