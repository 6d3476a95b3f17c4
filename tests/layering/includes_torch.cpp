// Must NOT compile: a front end that links ebm_api reaching for LibTorch (test api_hides_libtorch).
#include "session.h"

#include <torch/torch.h>

int main() { return torch::ones({1}).numel() == 1 ? 0 : 1; }
