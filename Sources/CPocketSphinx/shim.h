// Debian's PocketSphinx 0.8 C API (libpocketsphinx-dev, with sphinxbase), for MaskerVoice's local
// speech recogniser. The include paths come from pkg-config (pocketsphinx.pc, sphinxbase.pc).
#include <pocketsphinx.h>
#include <sphinxbase/cmd_ln.h>
#include <sphinxbase/logmath.h>
#include <sphinxbase/err.h>
