console.log('safecity: not built yet');
