/* The verification page: send the chosen PDF to the API and say whether it matches the issued
   document byte for byte (a changed copy does not). */
(function () {
  'use strict';
  var form = document.getElementById('compare');
  if (!form) return;
  var input = document.getElementById('f-file');
  var out = document.getElementById('compare-result');
  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    out.textContent = '';
    var file = input.files[0];
    if (!file) { out.textContent = 'Vui lòng chọn tệp PDF.'; return; }
    out.textContent = 'Đang so khớp…';
    var response = await fetch('/v1/documents/' + form.dataset.document + '/verification', {
      method: 'POST', headers: { 'Content-Type': 'application/pdf' }, body: file
    });
    var data = await response.json();
    if (!response.ok) { out.textContent = (data.error && data.error.message) || 'Không so khớp được tệp.'; return; }
    out.className = data.matches ? 'notice ok' : 'notice warn';
    out.textContent = data.matches
      ? 'Tệp trùng khớp với văn bản đã phát hành.'
      : 'Tệp KHÔNG trùng khớp với văn bản đã phát hành (mã băm của tệp: ' + data.file_sha256 + ').';
  });
})();
