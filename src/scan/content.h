// Content and BlockReader live in core/content.h, so that sources (process
// memory, disk images) can produce block content without linking the scan
// stage. This header stays for the scan stage's includes.
#pragma once

#include "core/content.h"
