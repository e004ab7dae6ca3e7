// Waits until the e2e portal's backend has a guest token that lists catalog
// entities and the frontend answers, or fails after a deadline with the log.
const fs = require('fs');

const backend = process.env.PAVED_E2E_BACKEND ?? 'http://localhost:7100';
const frontend = process.env.PAVED_E2E_FRONTEND ?? 'http://localhost:3100';
const deadline = Date.now() + 8 * 60_000;
const logFile = process.argv[2];
const portalPid = Number(process.argv[3]);

function portalIsRunning() {
  if (!portalPid) return true;
  try {
    process.kill(portalPid, 0);
    return true;
  } catch {
    return false;
  }
}

async function ready() {
  const auth = await fetch(`${backend}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!auth.ok) return `guest refresh answered ${auth.status}`;
  const token = (await auth.json()).backstageIdentity.token;
  const entities = await fetch(
    `${backend}/api/catalog/entities/by-query?filter=kind=component&limit=1`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  if (!entities.ok) return `catalog answered ${entities.status}`;
  if ((await entities.json()).items.length === 0)
    return 'catalog is still empty';
  const page = await fetch(frontend);
  if (!page.ok) return `frontend answered ${page.status}`;
  return undefined;
}

(async () => {
  let last = 'not started';
  // Ready three checks in a row, so a dev server that answers once while
  // it is still settling does not start the tests.
  let inARow = 0;
  while (Date.now() < deadline && portalIsRunning()) {
    try {
      const reason = await ready();
      if (!reason && ++inARow === 3) {
        console.log(`Portal ready at ${frontend}`);
        return;
      }
      if (reason) inARow = 0;
      last = reason ?? last;
    } catch (e) {
      inARow = 0;
      last = e.cause?.code ?? e.message;
    }
    await new Promise(r => setTimeout(r, 2000));
  }
  console.error(
    portalIsRunning()
      ? `Portal did not become ready: ${last}`
      : `Portal exited before it was ready (last check: ${last})`,
  );
  if (logFile && fs.existsSync(logFile)) {
    console.error(
      fs.readFileSync(logFile, 'utf8').split('\n').slice(-60).join('\n'),
    );
  }
  process.exit(1);
})();
