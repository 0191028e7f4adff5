/* nft_api.c - the nftables side of a rule set handle (rxsim/netfilter.h): loading, the rules'
 * counters, printing.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "netfilter/nft_int.h"
#include "rxsim/error.h"

/* An nft chain of type nat is not a hook's entry: the NAT core consults it for a new
 * connection at its hook and priority (nf_nat_inet_register_fn()). */
static enum rxs_nf_verdict nat_chain_lookup(struct nf_hook_ctx *x, void *arg)
{
	return rxs__nft_do_chain(x, (unsigned int)(uintptr_t)arg);
}

static int register_nat_chains(struct rxs_ruleset *nf, const struct nft_ruleset *n)
{
	for (unsigned int c = 0; c < n->nchains; c++) {
		const struct nft_chain *ch = &n->chains[c];
		uint8_t fam = n->tables[ch->table].family;

		if (!ch->base || ch->type != NFT_TYPE_NAT || ch->hook >= RXS_NF_INET_NUMHOOKS ||
		    ch->hook == RXS_NF_INET_FORWARD || (fam != NFT_FAM_IP && fam != NFT_FAM_INET))
			continue;
		if (rxs__nf_nat_register_lookup(nf, (enum rxs_nf_hook)ch->hook, ch->prio,
						nat_chain_lookup, (void *)(uintptr_t)c))
			return -ENOSPC;
	}
	return 0;
}

/* Forget the nat chains of a rule set that failed to load. */
static void unregister_nat_chains(struct rxs_ruleset *nf, bool nat_was, bool ct_was)
{
	for (unsigned int h = 0; h < RXS_NF_INET_NUMHOOKS; h++) {
		unsigned int j = 0;

		for (unsigned int i = 0; i < nf->nat_nlookups[h]; i++)
			if (nf->nat_lookups[h][i].fn != nat_chain_lookup)
				nf->nat_lookups[h][j++] = nf->nat_lookups[h][i];
		nf->nat_nlookups[h] = j;
	}
	nf->nat_enabled = nat_was;
	nf->ct_enabled = ct_was;
}

int rxs_ruleset_load_nft(rxs_ruleset_t *nf, const char *text, const char *name,
			 unsigned int first_line, unsigned int indent, char *err, size_t errlen)
{
	struct nft_ruleset *n;
	const char *s = text ? text : "";
	bool ct, nat;
	int rc;

	if (errlen)
		err[0] = '\0';
	if (!nf || nf->nft)
		return -EINVAL;
	name = name ? name : "nftables";
	n = rxs__nft_new();
	if (!n) {
		if (errlen)
			snprintf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	s += strspn(s, " \t\r\n");
	if (*s == '{')
		rc = rxs__nft_parse_json(n, text, name, err, errlen);
	else
		rc = rxs__nft_parse_text(n, text ? text : "", name, first_line, indent, err, errlen);
	if (rc) {
		rxs__nft_free(n);
		return rc;
	}
	nf->nft = n;
	/* Conntrack runs when a rule needs it (nf_ct_netns_get); NAT registers it too. */
	ct = nf->ct_enabled;
	nat = nf->nat_enabled;
	nf->ct_enabled |= n->uses_ct;
	if (register_nat_chains(nf, n) || rxs__nf_build_stages(nf)) {
		unregister_nat_chains(nf, nat, ct);
		nf->nft = NULL;
		rxs__nf_build_stages(nf);
		rxs__nft_free(n);
		if (errlen)
			snprintf(err, errlen, "%s: more than %d base chains and tables at one hook",
				 name, NF_MAX_STAGES);
		return RXS_ERULE;
	}
	return 0;
}

unsigned int rxs_ruleset_nft_nrules(const rxs_ruleset_t *nf)
{
	return nf && nf->nft ? nf->nft->nrules : 0;
}

int rxs_ruleset_nft_rule(const rxs_ruleset_t *nf, unsigned int i, struct rxs_nft_rule_info *info)
{
	const struct nft_ruleset *n = nf ? nf->nft : NULL;
	const struct nft_rule *r;
	const struct nft_chain *c;

	if (!n || i >= n->nrules)
		return -EINVAL;
	r = &n->rules[i];
	c = &n->chains[r->chain];
	memset(info, 0, sizeof(*info));
	info->family = nft_family_names[n->tables[c->table].family];
	info->table = n->tables[c->table].name;
	info->chain = c->name;
	info->text = r->text;
	info->line = r->line;
	info->pkts = r->hits;
	info->bytes = r->hit_bytes;
	for (unsigned int j = 0; j < r->nstmts; j++) {
		if (r->stmts[j].kind != NFT_S_COUNTER)
			continue;
		info->counter = 1;
		info->pkts = r->stmts[j].u.counter.pkts;
		info->bytes = r->stmts[j].u.counter.bytes;
		break;
	}
	return 0;
}

int rxs_ruleset_nft_print(const rxs_ruleset_t *nf, FILE *out)
{
	if (!nf || !nf->nft)
		return -ENOENT;
	return rxs__nft_print(nf->nft, out);
}
