/** `npm run bench`: every benchmark, each printing its figures beside a baseline from the same run. */
import { benchIngest } from "./ingest.ts";

const only = process.argv[2];
if (!only || only === "ingest") await benchIngest();
