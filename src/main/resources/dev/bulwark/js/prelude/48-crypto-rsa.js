(function (host, internal, global) {
  'use strict';
});
