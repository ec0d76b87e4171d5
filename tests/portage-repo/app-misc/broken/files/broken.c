#include <base.h>
int main(void) { return base_word() == 0 /* the missing ')' is the point of this package */ ;
