void greet(const char *who, char *out, unsigned long size);
