/* queue.c - sk_buff_head: a FIFO of skbs linked through skb->next. */
#include "skb/skb.h"

void rxs__skb_queue_tail(struct rxs_skb_queue *q, struct rxs_sk_buff *skb)
{
	skb->next = NULL;
	if (q->tail)
		q->tail->next = skb;
	else
		q->head = skb;
	q->tail = skb;
	q->qlen++;
}

struct rxs_sk_buff *rxs__skb_dequeue(struct rxs_skb_queue *q)
{
	struct rxs_sk_buff *skb = q->head;

	if (!skb)
		return NULL;
	q->head = skb->next;
	if (!q->head)
		q->tail = NULL;
	q->qlen--;
	skb->next = NULL;
	return skb;
}

void rxs__skb_queue_splice_tail(struct rxs_skb_queue *from, struct rxs_skb_queue *to)
{
	if (!from->head)
		return;
	if (to->tail)
		to->tail->next = from->head;
	else
		to->head = from->head;
	to->tail = from->tail;
	to->qlen += from->qlen;
	from->head = from->tail = NULL;
	from->qlen = 0;
}
