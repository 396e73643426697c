import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { I18nextProvider } from 'react-i18next'
import { RENDERER_MARKS, markOnce } from '../../shared/perf-marks'
import { App } from './App'
import { i18n } from './i18n'
import { connectStores } from './store/connect'
import './styles/theme.css'
import './styles/app.css'
import './styles/attachments.css'
import './styles/groups.css'
import './styles/shortcuts.css'
import './styles/updates.css'

markOnce(performance, RENDERER_MARKS.start)
const root = document.getElementById('root')
if (root === null) throw new Error('index.html has no #root element')

const disconnect = connectStores()
window.addEventListener('pagehide', disconnect, { once: true })

createRoot(root).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <App />
    </I18nextProvider>
  </StrictMode>,
)
