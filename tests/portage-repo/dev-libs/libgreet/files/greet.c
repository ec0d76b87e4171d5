#include <stdio.h>
#include <base.h>
#include "greet.h"
void greet(const char *who, char *out, unsigned long size) { snprintf(out, size, "hello %s from the %s", who, base_word()); }
