#include <stdio.h>
int main(int argc, char **argv) {
	if (argc != 3) { fprintf(stderr, "usage: mkgen NAME VALUE\n"); return 2; }
	printf("#define %s \"%s\"\n", argv[1], argv[2]);
	return 0;
}
