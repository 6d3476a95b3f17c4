// Must compile: every header of core/api on its own, as a front end includes them.
#include "bench.h"
#include "classifier_training.h"
#include "config.h"
#include "errors.h"
#include "evaluate.h"
#include "gif.h"
#include "image_io.h"
#include "inpaint.h"
#include "interpolate.h"
#include "masks.h"
#include "point_file.h"
#include "protocols.h"
#include "report.h"
#include "sample_quality.h"
#include "session.h"
#include "trace.h"

int main() {
  ebm::RunConfig config;
  return config.name.empty() ? 1 : 0;
}
