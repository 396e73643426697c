/** `npm run seed`: seed the store in DATA_DIR with the demo users and conversations. */
import { ConfigError, loadConfig } from './config'
import { DEMO_PASSWORD, seed } from './seed'
import { openStore } from './store/open'

async function main(): Promise<void> {
  const config = loadConfig()
  const store = await openStore(config)
  try {
    const { created } = await seed(store)
    console.log(
      `${created ? 'Seeded' : 'Already seeded:'} ${config.databaseUrl ? 'the PostgreSQL database' : config.dataDir} — log in as alice, bob or carol with password ${DEMO_PASSWORD}`,
    )
  } finally {
    await store.close()
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err)
  process.exit(1)
})
