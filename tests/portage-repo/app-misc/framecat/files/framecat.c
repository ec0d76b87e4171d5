#include <stdio.h>
#include <frame.h>
int main(int argc, char **argv) {
	char text[300];
	frame(argc > 1 ? argv[1] : "framecat", text, sizeof text);
	printf("%s\n", text);
	return 0;
}
