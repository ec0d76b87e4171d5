#include <stdio.h>
#include "text.h"
int main(void) { printf("*** %s ***\n", BANNER_TEXT); return 0; }
