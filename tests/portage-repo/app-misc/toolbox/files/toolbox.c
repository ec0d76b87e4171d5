#include <stdio.h>
#include <stdlib.h>
int main(void) {
	const char *tools[] = { "hello", "counter one two three", "banner", "framecat toolbox" };
	char command[512];
	for (unsigned i = 0; i < sizeof tools / sizeof tools[0]; i++) {
		snprintf(command, sizeof command, "%s/%s", BINDIR, tools[i]);
		if (system(command) != 0) { fprintf(stderr, "toolbox: %s failed\n", tools[i]); return 1; }
	}
	return 0;
}
