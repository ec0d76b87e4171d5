void frame(const char *who, char *out, unsigned long size);
