// Pathways' only script of its own: starts NHS.UK frontend components (again after htmx
// swaps content in), tells screen-reader users when an htmx request fails, and holds back
// a background refresh while someone is filling in a form it would replace. Where focus
// goes after a change is the server's call: it marks the element `autofocus`, which htmx
// honours in swapped content (and the browser on a whole page).
// 'nhsuk-frontend' is mapped to the vendored file by the import map in base.html.
import { initAll } from 'nhsuk-frontend'

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

// A refresh (polling) of a region marked data-refresh-unless-editing="<region id>" waits
// while the user is in one of the region's fields or has one of its disclosures open:
// swapping would close the box and lose what they typed. The next poll tries again.
document.body.addEventListener('htmx:beforeRequest', (event) => {
  const regionId = event.detail.elt.getAttribute('data-refresh-unless-editing')
  if (!regionId) return
  const region = document.getElementById(regionId)
  const active = document.activeElement
  const typing = active && region && region.contains(active) &&
    active.matches('input, select, textarea')
  if (typing || (region && region.querySelector('details[open]'))) event.preventDefault()
})
