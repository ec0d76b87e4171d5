const char *base_word(void);
