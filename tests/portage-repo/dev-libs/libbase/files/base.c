#include "base.h"
const char *base_word(void) { return "swarm"; }
