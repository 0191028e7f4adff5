/* nft_api.c - the nftables side of a rule set handle (rxsim/netfilter.h): loading, the rules'
 * counters, printing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "netfilter/nft_int.h"
#include "rxsim/error.h"

/* NAT needs the NAT core (conntrack bindings); until it runs, a rule set with NAT statements
 * is refused rather than run without them. */
static int refuse_nat(const struct nft_ruleset *n, const char *name, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < n->nrules; i++) {
		const struct nft_rule *r = &n->rules[i];

		for (unsigned int j = 0; j < r->nstmts; j++) {
			static const char *const kinds[] = { "dnat", "snat", "masquerade",
							     "redirect" };

			if (r->stmts[j].kind != NFT_S_NAT)
				continue;
			if (errlen) {
				if (r->stmts[j].line)
					snprintf(err, errlen, "%s:%u:%u: NAT statements need the NAT "
						 "core (not yet): '%s'", name, r->stmts[j].line,
						 r->stmts[j].col,
						 kinds[r->stmts[j].u.nat.kind]);
				else
					snprintf(err, errlen, "%s: chain %s: NAT statements need the "
						 "NAT core (not yet): '%s'", name,
						 n->chains[r->chain].name,
						 kinds[r->stmts[j].u.nat.kind]);
			}
			return RXS_ERULE;
		}
	}
	return 0;
}

int rxs_ruleset_load_nft(rxs_ruleset_t *nf, const char *text, const char *name,
			 unsigned int first_line, unsigned int indent, char *err, size_t errlen)
{
	struct nft_ruleset *n;
	const char *s = text ? text : "";
	bool ct;
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
	if (!rc)
		rc = refuse_nat(n, name, err, errlen);
	if (rc) {
		rxs__nft_free(n);
		return rc;
	}
	nf->nft = n;
	/* Conntrack runs when a rule needs it (nf_ct_netns_get). */
	ct = nf->ct_enabled;
	nf->ct_enabled |= n->uses_ct;
	if (rxs__nf_build_stages(nf)) {
		nf->nft = NULL;
		nf->ct_enabled = ct;
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
