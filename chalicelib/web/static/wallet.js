/* "Kho giấy tờ": download one document or the whole wallet through a short-lived link, and take
   a file the citizen filed earlier out of the wallet (the session cookie proves who asks). */
(function () {
  'use strict';
  var message = document.getElementById('wallet-message');
  var list = document.getElementById('wallet-list');
  var exporter = document.getElementById('wallet-export');

  async function follow(path) {
    var answer = await DVC.api('GET', path);
    if (answer.status === 401) { location.replace('/dang-nhap?next=/kho-giay-to'); return; }
    if (answer.status !== 200) return DVC.say(message, DVC.message(answer.data), 'error');
    location.assign(answer.data.url);
  }

  if (exporter) exporter.addEventListener('click', function () { follow('/v1/me/documents/export'); });
  if (!list) return;
  list.addEventListener('click', async function (e) {
    var button = e.target.closest('button[data-action]');
    if (!button) return;
    var row = button.closest('tr');
    var id = encodeURIComponent(row.dataset.document);
    if (button.dataset.action === 'download') return follow('/v1/me/documents/' + id + '/download');
    var name = row.querySelector('th').textContent;
    if (!window.confirm('Gỡ “' + name + '” khỏi kho giấy tờ? Hồ sơ đã nộp vẫn giữ tệp này.')) return;
    var answer = await DVC.api('DELETE', '/v1/me/documents/' + id);
    if (answer.status !== 200) return DVC.say(message, DVC.message(answer.data), 'error');
    row.remove();
    DVC.say(message, 'Đã gỡ “' + name + '” khỏi kho giấy tờ.', 'ok');
  });
})();
