// The only C SpotCheck touches (ARCHITECTURE.md): systemd's notify and journal APIs, and the
// Linux wall-clock timer, eventfd and inotify the daemon's scheduler waits on.
#pragma once
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <sys/timerfd.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <poll.h>
#include <sys/uio.h>
