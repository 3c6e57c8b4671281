// The static build's stand-in for ICU's converters. Debian's libxml2 (which
// libarchive and libgsf use) is built with ICU, and linking ICU statically
// adds its 30 MB data library for the seven functions that libxml2 calls only to
// convert documents in encodings it does not know itself (it handles UTF-8,
// UTF-16 and ISO-8859-1 natively, and tries iconv first). Here ucnv_open
// reports every converter as unsupported, so libxml2 treats such an encoding
// as unknown. Linked into the static binaries only (HARRIER_STATIC).
#include <unicode/ucnv.h>

extern "C" {

UConverter* ucnv_open(const char*, UErrorCode* err) {
  if (err) *err = U_UNSUPPORTED_ERROR;
  return nullptr;
}

void ucnv_close(UConverter*) {}

void ucnv_convertEx(UConverter*, UConverter*, char**, const char*, const char**, const char*,
                    UChar*, UChar**, UChar**, const UChar*, UBool, UBool, UErrorCode* err) {
  if (err) *err = U_UNSUPPORTED_ERROR;
}

void ucnv_setToUCallBack(UConverter*, UConverterToUCallback, const void*, UConverterToUCallback*,
                         const void**, UErrorCode* err) {
  if (err) *err = U_UNSUPPORTED_ERROR;
}

void ucnv_setFromUCallBack(UConverter*, UConverterFromUCallback, const void*,
                           UConverterFromUCallback*, const void**, UErrorCode* err) {
  if (err) *err = U_UNSUPPORTED_ERROR;
}

// The "stop at the first unconvertible character" callbacks libxml2 installs.
void UCNV_FROM_U_CALLBACK_STOP(const void*, UConverterFromUnicodeArgs*, const UChar*, int32_t,
                               UChar32, UConverterCallbackReason, UErrorCode*) {}

void UCNV_TO_U_CALLBACK_STOP(const void*, UConverterToUnicodeArgs*, const char*, int32_t,
                             UConverterCallbackReason, UErrorCode*) {}

}  // extern "C"
