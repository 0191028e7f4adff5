/* rxsim/socket.h - socket constants the model uses; sockets are read through sim.h. */
#ifndef RXSIM_SOCKET_H
#define RXSIM_SOCKET_H

/* SOCK_MIN_RCVBUF: 2 * (2048 + SKB_DATA_ALIGN(sizeof(struct sk_buff))), 6.18 x86-64. */
#define RXS_SOCK_MIN_RCVBUF 4608

#endif /* RXSIM_SOCKET_H */
