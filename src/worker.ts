/**
 * Cloudflare Workers entry. Not built yet: the Workers deployment (libSQL over HTTP, database
 * leases, Cron Triggers running the jobs in jobs/) arrives with the jobs issue. Until then this
 * entry answers every request with 501 and says so, rather than pretending to work.
 */
export default {
  async fetch(): Promise<Response> {
    return new Response(
      JSON.stringify({
        error: "unavailable",
        message: "The Workers deployment of anchorbot is not built yet; run it on Node with `npm start`.",
      }),
      { status: 501, headers: { "content-type": "application/json" } },
    );
  },
};
