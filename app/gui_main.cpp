// ebm-lab: the desktop app. Composes the Qt layer (ui/) over the core's session; with no
// arguments it opens the shipped fmnist-small model on Fashion-MNIST and starts revising.
#include "blas_kernels.h"
#include "compare_panel.h"
#include "arena_view.h"
#include "gui_bench.h"
#include "main_window.h"
#include "point_editor.h"
#include "theme.h"

#include <QApplication>
#include <QCoreApplication>
#include <QCommandLineParser>
#include <QSurfaceFormat>
#include <QTimer>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace {

// The command line, built once for both the help-only path and the real application.
struct GuiOptions {
  QCommandLineOption checkpoint{"checkpoint", "Open this checkpoint (.safetensors).", "file"};
  QCommandLineOption preset{"preset", "Start a new model from this preset (e.g. toy2d).", "name"};
  QCommandLineOption runDir{"run-dir",
                            "Where checkpoints, autosaves and the run config are written "
                            "(default runs/gui-<date>).",
                            "dir"};
  QCommandLineOption device{"device", "auto, cpu or cuda (default auto).", "device", "auto"};
  QCommandLineOption threads{"threads", "Intra-op threads (default: all cores).", "n", "0"};
  QCommandLineOption noRevise{"no-auto-revise", "Do not start revisions when a model loads."};
  QCommandLineOption freshLayout{"reset-layout", "Ignore the saved window layout."};
  QCommandLineOption screenshot{"screenshot",
                                "Save a PNG of the window after --after seconds and quit.", "file"};
  QCommandLineOption after{"after", "Seconds before --screenshot (default 8).", "seconds", "8"};
  QCommandLineOption panel{"panel",
                           "Raise this panel at start: controls, xrevision, zrevision, energy, "
                           "mse, losses, log, interpolation, inpainting, compare.",
                           "name"};
  QCommandLineOption bench{"bench",
                           "Benchmark the GUI while training for this many seconds, print JSON "
                           "and quit.",
                           "seconds"};
  QCommandLineOption benchArena{"bench-arena",
                                "With --bench: the arena window samples on repeat the whole "
                                "time."};
  QCommandLineOption benchRepeat{"bench-repeat",
                                 "With --bench: each minute trains 45 s, then stops for 15 s "
                                 "while the revisions repeat (a soak of both paths)."};
  QCommandLineOption benchCsv{"bench-csv",
                              "With --bench: also write a row each minute (memory, frame "
                              "interval p99, event-loop stalls) to this CSV file.",
                              "file"};
  QCommandLineOption follow{"follow",
                            "Follow this run folder (a run training elsewhere): its checkpoint "
                            "loads whenever it changes (File > Follow run folder).",
                            "folder"};
  QCommandLineOption arena{"arena",
                           "Open the arena (2-D models side by side from the same noise) and "
                           "start it; --screenshot then shows the arena."};
  QCommandLineOption pointEditor{"point-editor",
                                 "Open the point editor (File > New 2-D data set); "
                                 "--screenshot then shows it."};
  QCommandLineOption points{"points", "With --point-editor: load this CSV of x,y[,label] rows.",
                            "file"};
  QCommandLineOption benchOut{"bench-out", "Also write the benchmark JSON here.", "file"};
  QCommandLineOption chainSpeed{"chain-speed",
                                "Langevin steps per second of revisions and playback: 0 = as "
                                "fast as possible, -1 = single steps (default: the last choice).",
                                "steps"};
  QCommandLineOption train{"train", "Start training this many iterations once the model is loaded.",
                           "iterations"};
  QCommandLineOption compare{"compare",
                             "Once the model is loaded, run the Compare panel's prefilled "
                             "variants (variants) or its step size x steps grid (grid).",
                             "what"};
  QCommandLineOption maximise{"maximise", "Show the --panel panel alone in the window (M)."};
  QCommandLineOption presenter{"presenter", "Start in presenter mode (full screen, large fonts)."};
  QCommandLineOption theme{"theme", "light, dark or high-contrast (default: the last choice).",
                           "name"};
  QCommandLineOption lesson{"lesson",
                            "Play this lesson file (e.g. resources/lessons/langevin-landscape."
                            "toml): Space / Right next step, Left back, Esc ends it.",
                            "file"};

  void addTo(QCommandLineParser& parser) const {
    parser.setApplicationDescription(
        "EBM Lab: train energy-based models and watch their Langevin chains revise samples "
        "live. Without options it opens the shipped fmnist-small model.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({checkpoint, preset, runDir, device, threads, noRevise, freshLayout,
                       screenshot, after, panel, maximise, train, compare, bench, benchOut,
                       benchArena, benchRepeat, benchCsv, arena, pointEditor, points,
                       chainSpeed, presenter, theme, lesson, follow});
  }
};

void nameApplication() {
  QCoreApplication::setOrganizationName("EBM Lab");
  QCoreApplication::setApplicationName("ebm-lab");
  QCoreApplication::setApplicationVersion("0.1.0");
}

// --help and --version need no display: they are answered before QApplication connects to one
// (which aborts where there is none).
bool asksForHelpOrVersion(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const QByteArray a(argv[i]);
    if (a == "--")
      break;
    if (a == "-h" || a == "--help" || a == "-?" || a == "--help-all" || a == "-v" ||
        a == "--version")
      return true;
  }
  return false;
}

int answerHelpOrVersion(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  nameApplication();
  QCommandLineParser parser;
  const GuiOptions o;
  o.addTo(parser);
  parser.process(app);  // prints help or the version and exits
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  ebm::useFastBlasKernels(argv);
  ebm::releaseSignalsHeldForRestart();  // no handlers of its own
  if (asksForHelpOrVersion(argc, argv))
    return answerHelpOrVersion(argc, argv);
  // OpenBLAS threads would fight LibTorch's own for the cores (measured: 1.7x slower convs).
  setenv("OPENBLAS_NUM_THREADS", "1", 0);
  QSurfaceFormat fmt;
  fmt.setVersion(3, 3);
  fmt.setProfile(QSurfaceFormat::CoreProfile);
  QSurfaceFormat::setDefaultFormat(fmt);
  QApplication app(argc, argv);
  nameApplication();

  QCommandLineParser parser;
  const GuiOptions o;
  o.addTo(parser);
  parser.process(app);

  bool trainOk = false;
  const long iterations = parser.isSet(o.train) ? parser.value(o.train).toLong(&trainOk) : 0;
  if (parser.isSet(o.train) && (!trainOk || iterations < 1)) {
    std::fprintf(stderr, "--train needs a positive number of iterations, not \"%s\"\n",
                 parser.value(o.train).toUtf8().constData());
    return 2;
  }

  ebm::ui::AppOptions options;
  options.checkpoint = parser.value(o.checkpoint);
  options.preset = parser.value(o.preset);
  options.runDir = parser.value(o.runDir);
  options.device = parser.value(o.device);
  options.threads = parser.value(o.threads).toInt();
  options.follow = parser.value(o.follow);
  options.autoRevise =
      !parser.isSet(o.noRevise) && (!parser.isSet(o.bench) || parser.isSet(o.benchRepeat));
  options.restoreLayout = !parser.isSet(o.freshLayout) && !parser.isSet(o.screenshot);
  if (parser.isSet(o.chainSpeed)) {
    bool ok = false;
    options.chainSpeed = parser.value(o.chainSpeed).toDouble(&ok);
    if (!ok || (options.chainSpeed < 0 && options.chainSpeed != ebm::kSingleStep)) {
      std::fprintf(stderr, "--chain-speed %s: give steps per second >= 0 or -1 (single steps)\n",
                   parser.value(o.chainSpeed).toUtf8().constData());
      return 2;
    }
  }
  ebm::ui::MainWindow window(options);
  window.show();
  if (parser.isSet(o.theme)) {
    if (!ebm::ui::themeNames().contains(parser.value(o.theme))) {
      std::fprintf(stderr, "--theme %s: one of %s\n", parser.value(o.theme).toUtf8().constData(),
                   ebm::ui::themeNames().join(", ").toUtf8().constData());
      return 2;
    }
    window.setTheme(parser.value(o.theme));
  }
  if (parser.isSet(o.presenter))
    window.setPresenterMode(true);
  if (parser.isSet(o.panel))
    window.showPanel("dock." + parser.value(o.panel));
  if (parser.isSet(o.panel) && parser.isSet(o.maximise))
    window.maximisePanel("dock." + parser.value(o.panel));
  if (parser.isSet(o.lesson))
    window.openLesson(parser.value(o.lesson));  // a bad file is shown in the lesson bar

  if (parser.isSet(o.train)) {
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
  if (parser.isSet(o.compare)) {
    const QString what = parser.value(o.compare);
    if (what != "variants" && what != "grid") {
      std::fprintf(stderr, "--compare %s: variants or grid\n", what.toUtf8().constData());
      return 2;
    }
    window.showPanel("dock.compare");
    auto once = std::make_shared<QMetaObject::Connection>();
    *once = QObject::connect(&window.host(), &ebm::ui::SessionHost::snapshotChanged, &window,
                             [&window, once, what](const ebm::ui::Snapshot& s) {
                               if (!s || s->state != ebm::RunState::Idle || !s->methodInfo)
                                 return;
                               QObject::disconnect(*once);
                               if (what == "grid")
                                 window.comparePanel()->runGrid();
                               else
                                 window.comparePanel()->runComparison();
                             });
  }
  QWidget* shown = &window;  // what --screenshot grabs
  if (parser.isSet(o.arena)) {
    auto* arena = window.openArena();
    arena->setGeometry(window.geometry());
    arena->start();
    shown = arena;
  }
  if (parser.isSet(o.pointEditor)) {
    auto* editor = window.openPointEditor();
    editor->setGeometry(window.geometry());
    if (parser.isSet(o.points))
      editor->loadCsv(parser.value(o.points));
    shown = editor;
  }
  if (parser.isSet(o.screenshot)) {
    const QString path = parser.value(o.screenshot);
    QTimer::singleShot(int(parser.value(o.after).toDouble() * 1000), &window, [shown, path] {
      if (!shown->grab().save(path, "PNG")) {
        std::fprintf(stderr, "cannot write %s\n", path.toUtf8().constData());
        QApplication::exit(1);
        return;
      }
      std::printf("wrote %s\n", path.toUtf8().constData());
      QApplication::exit(0);
    });
  }
  std::unique_ptr<ebm::ui::GuiBench> benchRun;
  if (parser.isSet(o.bench)) {
    benchRun = std::make_unique<ebm::ui::GuiBench>(&window, parser.value(o.bench).toDouble(),
                                                   parser.value(o.benchOut));
    benchRun->setArena(parser.isSet(o.benchArena));
    benchRun->setMinuteCsv(parser.value(o.benchCsv));
    benchRun->setCycleRevisions(parser.isSet(o.benchRepeat));
    benchRun->start();
  }
  return app.exec();
}
