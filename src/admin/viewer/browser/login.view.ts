import { token } from './api.js';
import { el, notice } from './dom.js';
import { show } from './page.js';

export function showLogin(message: string | null, onSubmit: () => void): void {
  const input = el('input', {
    type: 'password',
    name: 'token',
    autocomplete: 'off',
    required: true,
    id: 'token',
  });
  const form = el('form', { class: 'card login' }, [
    el('h2', { text: 'Admin token' }),
    el('p', {
      class: 'muted',
      text: 'Enter the ADMIN_TOKEN of this daemon. It stays in this browser tab only (sessionStorage) and is sent to the admin API, nowhere else.',
    }),
    message === null ? null : notice(message, 'bad'),
    el('label', {}, ['Token', input]),
    el('p', {}, [el('button', { class: 'primary', type: 'submit', text: 'Open the sync log' })]),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    token.set(input.value.trim());
    onSubmit();
  });
  show([form]);
  input.focus();
}
