export function App() {
  return (
    <main style={{ display: 'grid', placeItems: 'center', height: '100vh', fontFamily: 'system-ui, sans-serif' }}>
      <h1>{window.parley?.appName ?? 'Parley'}</h1>
    </main>
  )
}
