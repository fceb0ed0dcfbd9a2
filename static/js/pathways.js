// Pathways' only script of its own: starts NHS.UK frontend components (again after htmx
// swaps content in) and tells screen-reader users when an htmx request fails.
import { initAll } from '../vendor/nhsuk-frontend-10.6.1.min.js'

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
initAll()

function announce (message) {
  const status = document.getElementById('app-status')
  if (status) status.textContent = message
}

document.body.addEventListener('htmx:afterSettle', (event) => {
  initAll({ scope: event.detail.elt })
})

document.body.addEventListener('htmx:responseError', (event) => {
  const code = event.detail.xhr.status
  announce(code === 403 ? 'You do not have access to that.'
    : code === 404 ? 'That record could not be found.'
      : 'Sorry, something went wrong. Try again.')
})

document.body.addEventListener('htmx:sendError', () => {
  announce('The network did not answer. Check your connection and try again.')
})
