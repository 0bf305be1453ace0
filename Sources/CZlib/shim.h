#ifndef PORTAL_CZLIB_SHIM_H
#define PORTAL_CZLIB_SHIM_H
#include <zlib.h>
// deflateInit2/inflateInit2 are macros; expose them as functions.
static inline int portal_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
static inline int portal_deflateInit2(z_streamp strm, int level, int method, int windowBits, int memLevel, int strategy) {
    return deflateInit2(strm, level, method, windowBits, memLevel, strategy);
}
#endif
