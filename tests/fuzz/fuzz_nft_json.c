/* fuzz_nft_json.c - nftables rule sets as `nft -j list ruleset` JSON: fuzz_nft.c's target for
 * the JSON reader (jansson), on inputs that start with '{'. */
#define FUZZ_NFT_JSON 1
#include "fuzz_nft.c"
