// The Inngest dev server is a downloaded binary, which this offline machine cannot fetch. On a connected machine:
console.log(`Inngest dev server (needs network to install):

  npx inngest-cli@latest dev -u http://localhost:3000/api/inngest

then start the app with INNGEST_DEV=1 (e.g. in .env.local). With INNGEST_DEV unset and no INNGEST_EVENT_KEY,
the app runs the same due work with its in-process runner instead (see README › Timed work).`);
