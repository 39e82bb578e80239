import { serve } from "inngest/next";

import { inngest } from "~/inngest/client.ts";
import { functions } from "~/inngest/functions/index.ts";

export const { GET, POST, PUT } = serve({ client: inngest, functions });
