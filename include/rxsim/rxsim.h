/* rxsim/rxsim.h - the whole public API of librxsim. */
#ifndef RXSIM_RXSIM_H
#define RXSIM_RXSIM_H

#include "rxsim/bpf.h"
#include "rxsim/config.h"
#include "rxsim/error.h"
#include "rxsim/export.h"
#include "rxsim/frame.h"
#include "rxsim/hooks.h"
#include "rxsim/netfilter.h"
#include "rxsim/nic.h"
#include "rxsim/proto.h"
#include "rxsim/ring.h"
#include "rxsim/sim.h"
#include "rxsim/skb.h"
#include "rxsim/socket.h"
#include "rxsim/softirq.h"
#include "rxsim/stats.h"
#include "rxsim/version.h"

#endif /* RXSIM_RXSIM_H */
