'use strict';
// The CSV upload with a progress bar: posts the same form by XMLHttpRequest and puts the
// answer's <main> (the per-row report, or an error) in place. Without this script the
// form posts normally.
(() => {
  document.addEventListener('submit', event => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.id !== 'upload' || !window.FormData) return;
    const file = form.elements.namedItem('file');
    const chosen = file && file.files && file.files[0];
    if (!chosen) return;
    event.preventDefault();
    const box = form.querySelector('#progress'), bar = form.querySelector('#bar');
    const text = form.querySelector('#progress-text'), button = form.querySelector('button');
    const say = message => { text.textContent = message; };
    box.hidden = false;
    if (chosen.size > Number(form.dataset.max)) { say(form.dataset.tooLarge); return; }
    button.disabled = true;
    bar.value = 0;
    say(form.dataset.uploading);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.setRequestHeader('X-CSRF-Token', form.elements.namedItem('csrf').value);
    xhr.upload.addEventListener('progress', e => {
      if (!e.lengthComputable) return;
      const percent = Math.round(e.loaded / e.total * 100);
      bar.value = percent;
      say(`${form.dataset.uploading} ${percent} %`);
    });
    xhr.upload.addEventListener('load', () => {
      bar.removeAttribute('value');  // indeterminate while the server works
      say(form.dataset.processing);
    });
    xhr.addEventListener('load', () => {
      const answer = new DOMParser().parseFromString(xhr.responseText, 'text/html');
      const main = answer.querySelector('main'), old = document.querySelector('main');
      if (!main || !old) { location.reload(); return; }
      old.replaceWith(document.importNode(main, true));
      const focus = document.querySelector('#report-title, [role=alert]');
      if (focus) { focus.setAttribute('tabindex', '-1'); focus.focus(); }
    });
    xhr.addEventListener('error', () => {
      button.disabled = false;
      bar.value = 0;
      say(form.dataset.failed);
    });
    xhr.send(new FormData(form));
  });
})();
