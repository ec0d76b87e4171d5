#include <stdio.h>
#include <count2/count.h>
int main(int argc, char **argv) {
	int words = 0;
	for (int i = 1; i < argc; i++) words += count_words(argv[i]);
	printf("%d words (libcount api %d)\n", words, count_api());
	return 0;
}
