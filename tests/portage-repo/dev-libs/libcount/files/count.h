int count_words(const char *text);
int count_api(void);
