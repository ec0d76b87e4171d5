#include <ctype.h>
#include <stdio.h>
#include <greet.h>
int main(void) {
	char text[200];
	greet("buildswarm", text, sizeof text);
#if LOUD
	for (char *c = text; *c; c++) *c = (char)toupper((unsigned char)*c);
	printf("%s!\n", text);
#else
	printf("%s\n", text);
#endif
	return 0;
}
