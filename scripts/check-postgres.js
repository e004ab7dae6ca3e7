// Fails with a clear message when the PostgreSQL that the store tests use is
// not reachable, instead of letting TestDatabases quietly run SQLite only.
const { Client } = require('pg');

const url = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES16_CONNECTION_STRING;
if (!url) {
  console.error(
    'BACKSTAGE_TEST_DATABASE_POSTGRES16_CONNECTION_STRING is not set',
  );
  process.exit(1);
}
const client = new Client({
  connectionString: url,
  connectionTimeoutMillis: 5000,
});
client
  .connect()
  .then(() => client.query('select version()'))
  .then(res => {
    console.log(
      `PostgreSQL reachable: ${res.rows[0].version.split(' on ')[0]}`,
    );
    return client.end();
  })
  .catch(err => {
    console.error(`PostgreSQL is not reachable at ${url}: ${err.message}`);
    console.error(
      'Start it (e.g. pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or point the variable at one.',
    );
    process.exit(1);
  });
