#include <stdio.h>
#include <greet.h>
#include "edge.h"
#include "frame.h"
void frame(const char *who, char *out, unsigned long size) {
	char inner[200];
	greet(who, inner, sizeof inner);
	snprintf(out, size, "%s %s %s", FRAME_EDGE, inner, FRAME_EDGE);
}
