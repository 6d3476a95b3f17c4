// Must NOT compile: a front end that links ebm_api reaching into the core's internals
// (test api_hides_core_internals).
#include "session.h"
#include "methods/method.h"

int main() { return 0; }
